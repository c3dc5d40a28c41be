"""Follow-up: each effect's expected course, and which reports are red flags."""

from datetime import date

import pytest

from mesoclinic.clinical.concepts import Effect
from mesoclinic.clinical.effects import (
    ExpectedCourse,
    UnexpectedEffect,
    expected_course,
    follow_up_until,
    is_red_flag,
)
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.sources import Source

STANDARD = load_protocol("standard")


def test_bruising_is_expected_for_up_to_ten_days():
    assert expected_course(Effect.BRUISING, STANDARD) == ExpectedCourse(
        Effect.BRUISING,
        usual_days=10,
        red_flag_after_days=10,
        source=Source("004_40230fbec564ed23.txt", "Remember that bruising may last over ten days"),
    )


@pytest.mark.parametrize(
    ("effect", "day", "red_flag"),
    [
        (Effect.BRUISING, 10, False),
        (Effect.BRUISING, 11, True),
        (Effect.SWELLING, 3, False),
        (Effect.SWELLING, 4, True),
        (Effect.INFECTION, 1, True),
        (Effect.INFECTION, 21, True),
        (Effect.NODULES, 5, True),
        (Effect.REDNESS, 2, False),
        ("redness", 4, True),
    ],
)
def test_what_falls_outside_its_expected_course_is_a_red_flag(effect, day, red_flag):
    assert is_red_flag(effect, day, STANDARD) is red_flag


def test_an_effect_the_protocol_does_not_expect_is_a_red_flag():
    ref_004 = load_protocol("ref-004")

    with pytest.raises(
        UnexpectedEffect, match="ref-004 expects no 'swelling'; it expects: bruising"
    ):
        expected_course(Effect.SWELLING, ref_004)
    assert is_red_flag(Effect.SWELLING, 1, ref_004) is True


def test_every_protocol_flags_bruising_past_ten_days_and_swelling_past_three():
    for protocol in (p for p in map(load_protocol, ["ref-000", "ref-001", "ref-003", "standard"])):
        assert expected_course(Effect.BRUISING, protocol).red_flag_after_days == 10, protocol.id
        assert expected_course(Effect.SWELLING, protocol).red_flag_after_days == 3, protocol.id


def test_follow_up_runs_for_weeks_because_infections_can_appear_late():
    assert follow_up_until(STANDARD, date(2026, 11, 21)) == date(2027, 1, 2)
