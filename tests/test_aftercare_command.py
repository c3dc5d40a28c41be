"""`mesoclinic aftercare` and `mesoclinic protocols` on the command line."""

import json
import subprocess
import sys

import pytest

SEED_001 = "001_4ae6d9decc41d151.txt"
HEAT_QUOTE = (
    "Avoid exposure to high temperatures (sunbathing, tanning beds, saunas, jacuzzis) "
    "for the first 72 hours."
)


def mesoclinic(*args):
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", *args], capture_output=True, text=True, timeout=60
    )


def test_ref_001_face_aftercare_lists_heat_until_the_third_day_and_no_massage():
    result = mesoclinic(
        "aftercare", "--protocol", "ref-001", "--areas", "face",
        "--ended", "2026-03-02T10:30+01:00", "--json",
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    steps = {step["concept"]: step for step in json.loads(result.stdout)}
    heat = [
        (concept, steps[concept]["until"], steps[concept]["source"])
        for concept in ("no-sun", "no-sunbed", "no-sauna", "no-hot-tub")
    ]
    source = {"document": SEED_001, "quote": HEAT_QUOTE}
    assert heat == [
        ("no-sun", "2026-03-05T10:30:00+01:00", source),
        ("no-sunbed", "2026-03-05T10:30:00+01:00", source),
        ("no-sauna", "2026-03-05T10:30:00+01:00", source),
        ("no-hot-tub", "2026-03-05T10:30:00+01:00", source),
    ]
    assert steps["no-massage"]["source"]["document"] == SEED_001
    assert all(step["from"] == "2026-03-02T10:30:00+01:00" for step in steps.values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--protocol", "ref-009", "--areas", "face"), "--protocol: no protocol 'ref-009'"),
        (("--protocol", "ref-001", "--areas", "elbow"), "--areas:"),
        (("--protocol", "ref-001", "--areas", ""), "--areas: name at least one treated area"),
    ],
)
def test_bad_aftercare_arguments_exit_2_saying_which(args, message):
    result = mesoclinic("aftercare", *args, "--ended", "2026-03-02T10:30+01:00")
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


def test_an_ended_time_without_offset_is_refused():
    result = mesoclinic(
        "aftercare", "--protocol", "ref-001", "--areas", "face", "--ended", "2026-03-02T10:30"
    )
    assert result.returncode == 2
    assert "--ended must include a timezone offset" in result.stderr


def test_protocols_lists_every_protocol_with_version_and_sources():
    result = mesoclinic("protocols", "--json")
    summary = json.loads(result.stdout)
    assert [(p["id"], p["version"]) for p in summary] == [
        ("ref-000", 1),
        ("ref-001", 1),
        ("ref-002", 1),
        ("ref-003", 1),
        ("ref-004", 1),
        ("standard", 1),
    ]
    assert summary[1]["sources"] == [SEED_001]
    assert "product decision" in summary[5]["sources"]
