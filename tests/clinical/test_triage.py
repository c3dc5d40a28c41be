"""Each expected / review / urgent rule, under every shipped protocol (SPEC.md, follow-up)."""

import datetime as dt

import pytest

from mesoclinic.clinical.concepts import Effect
from mesoclinic.clinical.effects import ALWAYS_URGENT, Triage, classify
from mesoclinic.clinical.protocols import all_protocols

SESSION = dt.date(2026, 11, 30)
PROTOCOLS = [pytest.param(p, id=p.id) for p in all_protocols()]
# ref-001 and ref-004 list no effect that is a red flag as soon as it appears.
FLAGGING_AT_ONCE = [
    pytest.param(p, id=p.id)
    for p in all_protocols()
    if any(r.red_flag_after_days == 0 and r.effect not in ALWAYS_URGENT for r in p.effects)
]


def on_day(day):
    return SESSION + dt.timedelta(days=day)


def listed(protocol, *, red_flag_at_once):
    return [
        rule
        for rule in protocol.effects
        if (rule.red_flag_after_days == 0) == red_flag_at_once and rule.effect not in ALWAYS_URGENT
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_listed_effect_within_its_course_is_expected_and_says_when_it_passes(protocol):
    rules = listed(protocol, red_flag_at_once=False)
    assert {
        r.effect: (
            classify(r.effect, "mild", SESSION, on_day(r.red_flag_after_days), protocol).triage,
            classify(r.effect, "moderate", SESSION, SESSION, protocol).passes_by,
        )
        for r in rules
    } == {r.effect: (Triage.EXPECTED, on_day(r.red_flag_after_days)) for r in rules}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_listed_effect_past_its_course_is_for_review(protocol):
    rules = listed(protocol, red_flag_at_once=False)
    assert {
        r.effect: classify(
            r.effect, "mild", SESSION, on_day(r.red_flag_after_days + 1), protocol
        ).triage
        for r in rules
    } == {r.effect: Triage.REVIEW for r in rules}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_severe_usual_effect_is_for_review(protocol):
    rules = [r for r in listed(protocol, red_flag_at_once=False) if r.effect != Effect.PAIN]
    assert {
        r.effect: classify(r.effect, "severe", SESSION, SESSION, protocol).triage for r in rules
    } == {r.effect: Triage.REVIEW for r in rules}


@pytest.mark.parametrize("protocol", FLAGGING_AT_ONCE)
def test_an_effect_the_protocol_flags_at_once_is_urgent(protocol):
    rules = listed(protocol, red_flag_at_once=True)
    assert {
        r.effect: classify(r.effect, "mild", SESSION, SESSION, protocol).triage for r in rules
    } == {r.effect: Triage.URGENT for r in rules}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_infection_nodules_spreading_redness_and_fever_are_urgent_on_any_day(protocol):
    days = (0, 2, 20, 42)
    assert {
        (effect.value, day): classify(effect, "mild", SESSION, on_day(day), protocol).triage
        for effect in ALWAYS_URGENT
        for day in days
    } == {(effect.value, day): Triage.URGENT for effect in ALWAYS_URGENT for day in days}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_effect_the_protocol_does_not_list_is_urgent_never_downgraded(protocol):
    unlisted = [e for e in Effect if e not in {r.effect for r in protocol.effects}]
    assert {
        e.value: classify(e, "mild", SESSION, on_day(1), protocol).triage for e in unlisted
    } == {e.value: Triage.URGENT for e in unlisted}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_severe_pain_is_urgent_even_where_pain_is_expected(protocol):
    assert classify("pain", "severe", SESSION, on_day(1), protocol).triage == Triage.URGENT


def test_a_painful_lump_on_day_20_is_urgent_and_says_why():
    (standard,) = [p for p in all_protocols() if p.id == "standard"]
    result = classify("nodules", "moderate", SESSION, on_day(20), standard)
    assert (result.triage, result.reason, result.passes_by) == (
        Triage.URGENT,
        "nodules: always urgent after mesotherapy",
        None,
    )
