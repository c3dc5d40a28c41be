"""A course plan: the planner's proposal for one patient, before and while it is booked."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mesoclinic.clinical.areas import area_named
from mesoclinic.clinical.courses import CourseTemplate
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.course_rules import gaps_from, session_count, session_minutes
from mesoclinic.scheduling.planner import (
    HORIZON_DAYS,
    Gap,
    Preferences,
    Proposal,
    default_first_days,
    plan_course,
)
from mesoclinic.scheduling.queries import availability_for

NEAR_DAYS = 14


@dataclass
class CoursePlan:
    """Who, which template, which areas, and the sessions the planner proposes."""

    patient: Patient
    protocol: Protocol
    template: CourseTemplate
    areas: tuple[str, ...]
    preferences: Preferences
    first_days: tuple[date, date]
    proposal: Proposal

    @property
    def template_spec(self) -> str:
        return f"{self.protocol.id}/{self.template.id}"


def course_plan(
    patient: Patient,
    protocol: Protocol,
    template: CourseTemplate,
    first_day: date,
    *,
    areas: tuple[str, ...] = ("face",),
    preferences: Preferences | None = None,
    sessions: int | None = None,
) -> CoursePlan:
    """Plan a whole course for `patient` from `first_day` against the clinic's real calendar."""
    count = session_count(template, sessions)
    areas = tuple(area_named(area) for area in areas)
    first_days = default_first_days(first_day)
    gaps = gaps_from(template, 1, count)
    minutes = session_minutes(template, areas)
    preferences = preferences or Preferences()
    proposal = _earliest(patient, gaps, minutes, first_days, preferences)
    return CoursePlan(patient, protocol, template, areas, preferences, first_days, proposal)


def _earliest(
    patient: Patient,
    gaps: tuple[Gap, ...],
    minutes: int,
    first_days: tuple[date, date],
    preferences: Preferences,
) -> Proposal:
    """The earliest course, searched over the coming fortnight first, then the whole horizon."""
    # Same answer: if any course starts in the fortnight, the earliest does. Loading only the
    # calendar the search can reach saves most of the time planning takes.
    for horizon in (NEAR_DAYS, HORIZON_DAYS):
        days = (first_days[0], min(first_days[0] + timedelta(days=horizon), first_days[1]))
        last_day = days[1] + timedelta(days=sum(g.max_days for g in gaps))
        availability = availability_for(patient.clinic, patient.pk, (days[0], last_day))
        proposal = plan_course(availability, gaps, minutes, days, preferences)
        if proposal.complete:
            break
    return proposal


def plan_windows(plan: CoursePlan) -> list[dict[str, Any]]:
    """The days each session may fall on, the later ones counted from the session before."""
    placed = {p.number: p.slot.start.date() for p in plan.proposal.sessions}
    windows = [_window(1, plan.first_days, plan.template)]
    for number, gap in enumerate(plan.proposal.gaps, start=2):
        before = placed.get(number - 1)
        if before is None:
            break
        days = (before + timedelta(days=gap.min_days), before + timedelta(days=gap.max_days))
        windows.append(_window(number, days, plan.template))
    return windows


def _window(number: int, days: tuple[date, date], template: CourseTemplate) -> dict[str, Any]:
    return {
        "number": number,
        "earliest": days[0].isoformat(),
        "latest": days[1].isoformat(),
        "optional": number > template.sessions_min,
    }


def plan_to_json(plan: CoursePlan) -> dict[str, Any]:
    """The plan as SPEC.md's `plan-course --json` document."""
    return {
        "template": plan.template_spec,
        "windows": plan_windows(plan),
        "sessions": [
            {
                "number": p.number,
                "start": p.slot.start.isoformat(),
                "end": p.slot.end.isoformat(),
                "practitioner": p.slot.practitioner.name,
                "room": p.slot.room.name,
            }
            for p in plan.proposal.sessions
        ],
        "unplaced": [{"number": u.number, "reason": u.reason} for u in plan.proposal.unplaced],
    }
