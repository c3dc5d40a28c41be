"""Follow-up: each side effect's expected course, and when a report falls outside it."""

from dataclasses import dataclass
from datetime import date, timedelta

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
