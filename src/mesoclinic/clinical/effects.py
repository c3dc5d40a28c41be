"""Follow-up: each side effect's expected course, and when a report falls outside it."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from mesoclinic.clinical.concepts import Effect
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.clinical.sources import Source


class UnexpectedEffect(LookupError):
    """The protocol does not expect this effect at all."""


@dataclass(frozen=True)
class ExpectedCourse:
    """How long an effect usually lasts, and after how many days it is a red flag (0: always)."""

    effect: Effect
    usual_days: int
    red_flag_after_days: int
    source: Source


def expected_course(effect: Effect | str, protocol: Protocol) -> ExpectedCourse:
    """The course `protocol` expects for `effect`; UnexpectedEffect when it expects none."""
    for rule in protocol.effects:
        if rule.effect == effect:
            return ExpectedCourse(
                rule.effect, rule.usual_days, rule.red_flag_after_days, rule.source
            )
    expected = ", ".join(rule.effect for rule in protocol.effects)
    raise UnexpectedEffect(f"{protocol.id} expects no '{effect}'; it expects: {expected}")


def is_red_flag(effect: Effect | str, day: int, protocol: Protocol) -> bool:
    """Whether `effect` reported `day` days after the session (0: that day) is a red flag."""
    try:
        course = expected_course(effect, protocol)
    except UnexpectedEffect:
        return True  # anything the protocol does not expect at all is for the practitioner
    # Infection and nodules (red flag after 0 days) are red flags whenever they appear.
    return course.red_flag_after_days == 0 or day > course.red_flag_after_days


def follow_up_until(protocol: Protocol, session_day: date) -> date:
    """The last day of follow-up: infections can appear weeks after a session."""
    return session_day + timedelta(days=protocol.follow_up_days)


class Triage(StrEnum):
    """What a side-effect report needs: nothing but patience, a practitioner's look, or a call."""

    EXPECTED = "expected"
    REVIEW = "review"
    URGENT = "urgent"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


# Urgent whatever a protocol says (SPEC.md, follow-up: "any sign of infection, nodules, spreading
# redness, fever, severe pain"): infections after mesotherapy appear weeks later.
ALWAYS_URGENT = frozenset(
    {Effect.INFECTION, Effect.NODULES, Effect.SPREADING_REDNESS, Effect.FEVER}
)


@dataclass(frozen=True)
class Classified:
    """A report's triage, why, and for an expected effect the day it should be gone by."""

    triage: Triage
    reason: str
    passes_by: date | None = None
    source: Source | None = None


def classify(
    effect: Effect | str,
    severity: Severity | str,
    session_day: date,
    today: date,
    protocol: Protocol,
) -> Classified:
    """Triage an effect still present `today` after a session on `session_day` (SPEC.md)."""
    day = (today - session_day).days
    if effect in ALWAYS_URGENT:
        return Classified(Triage.URGENT, f"{effect}: always urgent after mesotherapy")
    if effect == Effect.PAIN and severity == Severity.SEVERE:
        return Classified(Triage.URGENT, "severe pain is always urgent")
    try:
        course = expected_course(effect, protocol)
    except UnexpectedEffect:
        return Classified(Triage.URGENT, f"{protocol.id} does not expect {effect} at all")
    if course.red_flag_after_days == 0:
        return Classified(
            Triage.URGENT, f"{effect} is a red flag whenever it appears", None, course.source
        )
    if day > course.red_flag_after_days:
        reason = f"{effect} on day {day}, past the {course.red_flag_after_days} days it may last"
        return Classified(Triage.REVIEW, reason, None, course.source)
    if severity == Severity.SEVERE:
        # A product decision: a severe effect is for a practitioner's look, however usual.
        return Classified(Triage.REVIEW, f"severe {effect}", None, course.source)
    passes_by = session_day + timedelta(days=course.red_flag_after_days)
    reason = f"{effect} on day {day}: expected for up to {course.red_flag_after_days} days"
    return Classified(Triage.EXPECTED, reason, passes_by, course.source)
