"""The logic behind `mesoclinic aftercare` and `mesoclinic protocols`."""

import pytest

from mesoclinic.clinical.protocols import protocols_summary
from mesoclinic.clinical.reports import (
    UsageError,
    aftercare_command,
    aftercare_text,
    parse_areas,
    parse_ended,
    protocols_text,
)


def test_aftercare_command_reads_the_command_line_as_spec_shows_it():
    steps = aftercare_command("ref-001", "face", "2026-03-02T10:30+01:00")

    assert aftercare_text(steps[:2]) == (
        "No intense physical activity until Wed 4 Mar 10:30.\n"
        "    [no-exercise, until Wed 4 Mar 10:30; 001_4ae6d9decc41d151.txt]\n"
        "No sunbathing until Thu 5 Mar 10:30.\n"
        "    [no-sun, until Thu 5 Mar 10:30; 001_4ae6d9decc41d151.txt]"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("ref-009", "face", "2026-03-02T10:30+01:00"),
            "--protocol: no protocol 'ref-009'; the protocols are:",
        ),
        (
            ("ref-001", "face,elbow", "2026-03-02T10:30+01:00"),
            "--areas: unknown area 'elbow'; known areas are:",
        ),
        (("ref-001", " , ", "2026-03-02T10:30+01:00"), "--areas: name at least one treated area"),
        (
            ("ref-001", "face", "2026-03-02T10:30"),
            "--ended '2026-03-02T10:30': --ended must include a timezone",
        ),
        (("ref-001", "face", "yesterday"), "--ended 'yesterday': Invalid isoformat string"),
    ],
)
def test_bad_arguments_say_what_was_wrong_and_where(arguments, message):
    with pytest.raises(UsageError) as error:
        aftercare_command(*arguments)

    assert str(error.value).startswith(message)


def test_areas_are_named_in_the_vocabulary():
    assert parse_areas("Face, Décolletage,love handles") == ["face", "décolleté", "flanks"]


def test_the_end_keeps_its_offset():
    assert parse_ended(" 2026-03-02T10:30+01:00 ").isoformat() == "2026-03-02T10:30:00+01:00"


def test_protocols_text_has_one_entry_per_protocol():
    text = protocols_text(protocols_summary())

    assert text.splitlines()[:2] == [
        "ref-000 v1: Seed 000: face and body mesotherapy, 4–6 sessions 2–3 weeks apart",
        "    6 contraindications, 1 preparation, 8 aftercare, 1 courses, 5 effects",
    ]
    assert text.count(" v1: ") == 6
