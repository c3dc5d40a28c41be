"""What scheduling takes from a protocol's course template: how many sessions, the gaps, the length.

The session length rule: a session treating one area takes the upper end of the protocol's
session length (ref-000: 10–15 min → 15), or 30 minutes when the protocol gives none; each
further area adds 10 minutes; the total is rounded up to the quarter hour, the planner's grid.
"""

from collections.abc import Sequence

from mesoclinic.clinical.courses import CourseTemplate, gap_window
from mesoclinic.clinical.planner import Gap
from mesoclinic.clinical.protocols import Protocol, load_protocol

MINUTES_WITHOUT_LENGTH = 30
MINUTES_PER_EXTRA_AREA = 10
QUARTER = 15


def session_minutes(template: CourseTemplate, areas: Sequence[str]) -> int:
    """How long each session of `template` treating `areas` is booked for."""
    base = template.minutes[1] if template.minutes else MINUTES_WITHOUT_LENGTH
    total = base + MINUTES_PER_EXTRA_AREA * max(len(areas) - 1, 0)
    return -(-total // QUARTER) * QUARTER


def session_count(template: CourseTemplate, wanted: int | None = None) -> int:
    """How many sessions to plan: as asked, else the template's most, so no session is missed."""
    count = template.sessions_max if wanted is None else wanted
    if not template.sessions_min <= count <= template.sessions_max:
        raise ValueError(
            f"{template.id} has {template.sessions_min} to {template.sessions_max} sessions, "
            f"not {count}"
        )
    return count


def gaps_from(template: CourseTemplate, first_number: int, last_number: int) -> tuple[Gap, ...]:
    """The windows between sessions `first_number` … `last_number` of a course."""
    return tuple(Gap(*gap_window(template, n)) for n in range(first_number + 1, last_number + 1))


def template_named(spec: str) -> tuple[Protocol, CourseTemplate]:
    """The protocol and course template named `protocol` (its default course) or `protocol/id`."""
    protocol_id, _, template_id = spec.partition("/")
    protocol = load_protocol(protocol_id)
    return protocol, protocol.course(template_id or None)
