"""Courses of sessions: how many, how far apart, and whether a planned course keeps to that."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mesoclinic.clinical.sources import Source


@dataclass(frozen=True)
class Phase:
    """A run of sessions with one interval window; `sessions` None means "all the rest"."""

    interval_min_days: int
    interval_max_days: int
    source: Source
    sessions: int | None = None


@dataclass(frozen=True)
class CourseTemplate:
    """A course a protocol recommends, e.g. "2 sessions 7–14 days apart, then monthly"."""

    id: str
    name: str
    sessions_min: int
    sessions_max: int
    phases: tuple[Phase, ...]
    source: Source
    minutes: tuple[int, int] | None = None
    minutes_source: Source | None = None


@dataclass(frozen=True)
class SessionWindow:
    """The dates a session may fall on; sessions past the template's minimum are optional."""

    number: int
    earliest: date
    latest: date
    optional: bool = False


def gap_window(template: CourseTemplate, number: int) -> tuple[int, int]:
    """The allowed days between session `number - 1` and session `number`."""
    if not 2 <= number <= template.sessions_max:
        raise ValueError(
            f"session {number} has no interval in {template.id!r}: "
            f"sessions 2 to {template.sessions_max} follow an earlier one"
        )
    first_of_phase = 1
    for phase in template.phases:
        if phase.sessions is None or number < first_of_phase + phase.sessions:
            return phase.interval_min_days, phase.interval_max_days
        first_of_phase += phase.sessions
    last = template.phases[-1]
    return last.interval_min_days, last.interval_max_days


def course_windows(template: CourseTemplate, first_session: date) -> list[SessionWindow]:
    """The window of every session up to the template's maximum, each session at its earliest."""
    # Each window assumes the session before it takes place on its earliest date; when one
    # happens later, plan the rest again from it.
    windows = [SessionWindow(1, first_session, first_session)]
    for number in range(2, template.sessions_max + 1):
        low, high = gap_window(template, number)
        before = windows[-1].earliest
        windows.append(
            SessionWindow(
                number,
                before + timedelta(days=low),
                before + timedelta(days=high),
                optional=number > template.sessions_min,
            )
        )
    return windows


def check_course(template: CourseTemplate, dates: Sequence[date]) -> list[str]:
    """What is wrong with a course held on `dates`; empty when it keeps to the template."""
    problems = _count_problems(template, len(dates))
    for number in range(2, min(len(dates), template.sessions_max) + 1):
        problem = _gap_problem(template, number, (dates[number - 1] - dates[number - 2]).days)
        if problem:
            problems.append(problem)
    return problems


def _count_problems(template: CourseTemplate, count: int) -> list[str]:
    has = f"The course has {_many(count, 'session')}"
    if count < template.sessions_min:
        return [f"{has}; {template.id} needs at least {template.sessions_min}."]
    if count > template.sessions_max:
        return [f"{has}; {template.id} allows at most {template.sessions_max}."]
    return []


def _gap_problem(template: CourseTemplate, number: int, gap: int) -> str:
    low, high = gap_window(template, number)
    if low <= gap <= high:
        return ""
    off = (
        f"{_many(low - gap, 'day')} too early"
        if gap < low
        else f"{_many(gap - high, 'day')} too late"
    )
    return (
        f"Session {number} is {gap} days after session {number - 1}; "
        f"it should be {low}–{high} days after ({off})."
    )


def _many(count: int, thing: str) -> str:
    return f"{count} {thing}" if count == 1 else f"{count} {thing}s"
