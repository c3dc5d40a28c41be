"""How long before or after a session an instruction holds, and exact datetimes for it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Unit(StrEnum):
    """The unit of a window; `same-day` means the session's own calendar day."""

    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    SAME_DAY = "same-day"
    OPEN = "open"


@dataclass(frozen=True)
class Timing:
    """A window measured from a session: "5 days", "72 hours", "that day" or open-ended."""

    unit: Unit
    amount: int = 0

    @property
    def span(self) -> timedelta:
        """The window as elapsed time (zero for same-day and open windows)."""
        hours = {Unit.HOURS: 1, Unit.DAYS: 24, Unit.WEEKS: 24 * 7}.get(self.unit, 0)
        return timedelta(hours=hours * self.amount)

    def describe(self) -> str:
        """The window in words, e.g. "5 days"."""
        if self.unit is Unit.SAME_DAY:
            return "on the day"
        if self.unit is Unit.OPEN:
            return "no set end"
        unit = self.unit.value if self.amount != 1 else self.unit.value[:-1]
        return f"{self.amount} {unit}"


AT_ONCE = Timing(Unit.HOURS, 0)
SAME_DAY = Timing(Unit.SAME_DAY)
OPEN = Timing(Unit.OPEN)


def require_aware(moment: datetime, what: str) -> None:
    """Refuse a naive datetime: an instruction's exact time depends on the clinic's timezone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must include a timezone offset, e.g. 2026-03-02T10:30+01:00")


def shifted(moment: datetime, by: timedelta) -> datetime:
    """`moment` plus `by` of real elapsed time, shown in `moment`'s timezone."""
    return (moment.astimezone(UTC) + by).astimezone(moment.tzinfo)


def midnight(day: date, like: datetime) -> datetime:
    """The start of `day` in the timezone of `like`."""
    wall = datetime.combine(day, time(), tzinfo=like.tzinfo)
    # A round trip through UTC moves a wall time that a clock change skipped to a real instant.
    return wall.astimezone(UTC).astimezone(like.tzinfo)


def window_start(start: datetime, lead: Timing) -> datetime:
    """When a preparation window of `lead` before `start` begins (day windows at midnight)."""
    # From midnight, "five days before" is never shortened by the hour of the appointment.
    if lead.unit in (Unit.DAYS, Unit.WEEKS):
        return midnight(start.date() - timedelta(days=lead.span.days), start)
    if lead.unit is Unit.HOURS:
        return shifted(start, -lead.span)
    return midnight(start.date(), start)


def window_end(ended: datetime, lasts: Timing) -> datetime | None:
    """When an aftercare window that `lasts` from `ended` is over; None when it has no end."""
    if lasts.unit is Unit.OPEN:
        return None
    if lasts.unit is Unit.SAME_DAY:
        return midnight(ended.date() + timedelta(days=1), ended)
    return shifted(ended, lasts.span)


def spoken(moment: datetime) -> str:
    """A datetime as a patient reads it: "Thu 5 Mar 10:30"."""
    return f"{spoken_day(moment)} {moment:%H:%M}"


def spoken_day(moment: datetime) -> str:
    """A day as a patient reads it: "Sun 16 Nov"."""
    return f"{DAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]}"
