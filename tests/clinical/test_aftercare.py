"""Aftercare: the timeline after a session, with exact end times and the source of each step."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from mesoclinic.clinical.aftercare import AftercareStep, aftercare_steps, aftercare_to_json
from mesoclinic.clinical.protocols import load_protocol

ENDED = datetime.fromisoformat("2026-03-02T10:30+01:00")
SEED_001 = "001_4ae6d9decc41d151.txt"
HEAT = (
    "Avoid exposure to high temperatures (sunbathing, tanning beds, saunas, jacuzzis) "
    "for the first 72 hours."
)


def step_json(instruction: str, concept: str, until: str | None, quote: str) -> dict[str, object]:
    return {
        "instruction": instruction,
        "concept": concept,
        "from": "2026-03-02T10:30:00+01:00",
        "until": until,
        "source": {"document": SEED_001, "quote": quote},
    }


def test_ref_001_aftercare_for_the_face_as_the_command_prints_it():
    steps = aftercare_steps(load_protocol("ref-001"), ["face"], ENDED)

    assert aftercare_to_json(steps) == [
        step_json(
            "No intense physical activity until Wed 4 Mar 10:30.",
            "no-exercise",
            "2026-03-04T10:30:00+01:00",
            "Avoid intense physical activities for the first 48 hours.",
        ),
        step_json(
            "No sunbathing until Thu 5 Mar 10:30.", "no-sun", "2026-03-05T10:30:00+01:00", HEAT
        ),
        step_json(
            "No sunbeds until Thu 5 Mar 10:30.", "no-sunbed", "2026-03-05T10:30:00+01:00", HEAT
        ),
        step_json("No sauna until Thu 5 Mar 10:30.", "no-sauna", "2026-03-05T10:30:00+01:00", HEAT),
        step_json(
            "No jacuzzi until Thu 5 Mar 10:30.", "no-hot-tub", "2026-03-05T10:30:00+01:00", HEAT
        ),
        step_json(
            "Do not massage the treated skin.",
            "no-massage",
            None,
            "After mesotherapy, do not massage the treated skin under any circumstances.",
        ),
        step_json(
            "Keep alcohol and salt low, so the treated area does not swell.",
            "little-alcohol-and-salt",
            None,
            "Do not take in large amounts of alcohol and salt to avoid excessive swelling.",
        ),
        step_json(
            "If the area swells, put cold compresses on it and sleep on your back, with your head "
            "raised on a pillow.",
            "cold-compress",
            None,
            "If the swelling appears, put cold compresses on it and sleep on your back on an "
            "elevated pillow.",
        ),
    ]


def by_concept(steps: list[AftercareStep]) -> dict[str, list[AftercareStep]]:
    grouped: dict[str, list[AftercareStep]] = {}
    for step in steps:
        grouped.setdefault(step.concept, []).append(step)
    return grouped


def test_standard_resolves_the_seeds_conflicts_as_spec_states():
    steps = by_concept(aftercare_steps(load_protocol("standard"), ["face"], ENDED))

    assert "massage" not in steps
    assert [s.instruction for s in steps["no-massage"]] == [
        "Massaging the treated skin is not advised."
    ]
    assert [s.until for s in steps["no-shower"]] == [ENDED + timedelta(hours=48)]
    assert [s.until for s in steps["no-sauna"]] == [ENDED + timedelta(weeks=2)]
    assert [s.until for s in steps["no-hot-tub"]] == [ENDED + timedelta(weeks=2)]
    assert [(s.instruction, s.until) for s in steps["water"]] == [
        (
            "Drink at least 2 litres of water on the day of your session.",
            datetime.fromisoformat("2026-03-03T00:00+01:00"),
        )
    ]


def test_standard_keeps_the_strictest_window_of_each_seed():
    steps = by_concept(aftercare_steps(load_protocol("standard"), ["abdomen"], ENDED))

    ends = {concept: [s.until for s in found] for concept, found in steps.items()}
    assert ends["no-sun"] == [ENDED + timedelta(hours=72)]
    assert ends["no-sunbed"] == [ENDED + timedelta(hours=72)]
    assert ends["no-hot-bath"] == [ENDED + timedelta(hours=48)]
    assert ends["no-exercise"] == [ENDED + timedelta(days=2)]
    assert ends["spf"] == [ENDED + timedelta(weeks=2)]


def test_loose_clothes_are_for_body_areas_only():
    def concepts(areas: list[str]) -> set[str]:
        return {s.concept for s in aftercare_steps(load_protocol("standard"), areas, ENDED)}

    assert "loose-clothes" not in concepts(["face", "neck", "décolleté"])
    assert "loose-clothes" in concepts(["face", "thighs"])


def test_prescription_items_appear_only_once_a_prescriber_adds_them():
    ref_004 = load_protocol("ref-004")

    plain = {s.concept for s in aftercare_steps(ref_004, ["face"], ENDED)}
    prescribed = {
        s.concept
        for s in aftercare_steps(ref_004, ["face"], ENDED, prescribed={"steroid-pack", "diuretic"})
    }
    body_only = {
        s.concept for s in aftercare_steps(ref_004, ["abdomen"], ENDED, prescribed={"steroid-pack"})
    }

    assert {"steroid-pack", "diuretic"} & plain == set()
    assert {"steroid-pack", "diuretic"} <= prescribed
    assert "steroid-pack" not in body_only


def test_sunscreen_in_ref_004_starts_when_the_sun_ban_ends():
    steps = by_concept(aftercare_steps(load_protocol("ref-004"), ["face"], ENDED))

    (spf,) = steps["spf"]
    assert (spf.instruction, spf.from_, spf.until) == (
        "From Wed 4 Mar 10:30 until Mon 16 Mar 10:30, use a sunscreen of SPF 30 or higher whenever "
        "you are in the sun.",
        ENDED + timedelta(hours=48),
        ENDED + timedelta(weeks=2),
    )


def test_windows_are_exact_elapsed_time_across_a_clock_change():
    paris = ZoneInfo("Europe/Paris")
    ended = datetime(2026, 3, 28, 10, 30, tzinfo=paris)  # clocks go forward at 02:00 on the 29th

    (no_sun,) = by_concept(aftercare_steps(load_protocol("ref-001"), ["face"], ended))["no-sun"]

    assert no_sun.until is not None
    assert no_sun.until.isoformat() == "2026-03-31T11:30:00+02:00"
    assert no_sun.until.astimezone(UTC) - ended.astimezone(UTC) == timedelta(hours=72)
    assert no_sun.instruction == "No sunbathing until Tue 31 Mar 11:30."


def test_times_are_shown_in_the_sessions_own_timezone():
    tokyo = timezone(timedelta(hours=9))
    ended = ENDED.astimezone(tokyo)

    steps = aftercare_steps(load_protocol("ref-001"), ["face"], ended)

    assert steps[0].until is not None
    assert steps[0].until.isoformat() == "2026-03-04T18:30:00+09:00"


def test_a_naive_end_time_is_refused():
    naive = datetime(2026, 3, 2, 10, 30)  # noqa: DTZ001 -- the refusal of a naive time is tested
    with pytest.raises(ValueError, match="The end of the session must include a timezone offset"):
        aftercare_steps(load_protocol("ref-001"), ["face"], naive)


def test_an_unknown_area_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown area 'elbow'; known areas are: face, forehead"):
        aftercare_steps(load_protocol("ref-001"), ["elbow"], ENDED)


def test_at_least_one_area_is_needed():
    with pytest.raises(ValueError, match="name at least one treated area"):
        aftercare_steps(load_protocol("ref-001"), [], ENDED)


@pytest.mark.parametrize(
    ("typed", "area"),
    [("Décolletage", "décolleté"), ("eye area", "eyes"), ("LOVE-HANDLES", "flanks")],
)
def test_areas_can_be_named_as_people_write_them(typed, area):
    from mesoclinic.clinical.areas import area_named

    assert area_named(typed) == area
