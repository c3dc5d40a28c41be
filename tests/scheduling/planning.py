"""Small plain-data clinics for planner tests, and an independent check of a planned course."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mesoclinic.clinical.planner import Availability, Gap, Named, Period, Placement, Staff

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = range(5)


def clinic(
    *,
    practitioners: int = 2,
    rooms: int = 1,
    opening: tuple[time, time] = (time(9), time(13)),
    closed: frozenset[date] = frozenset(),
    tz: ZoneInfo = LONDON,
) -> Availability:
    """A clinic open on weekdays, whose practitioners work whenever it is open."""
    hours = {day: (Period(*opening),) for day in WEEKDAYS}
    return Availability(
        tz=tz,
        opening=hours,
        closed_days=closed,
        practitioners=tuple(
            Staff(n, f"Practitioner {n}", hours) for n in range(1, practitioners + 1)
        ),
        rooms=tuple(Named(n, f"Room {n}") for n in range(1, rooms + 1)),
    )


def local(day: date, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def busy(availability: Availability, what: str, ident: int, start: datetime, minutes: int) -> None:
    """Mark a practitioner, a room or the patient (ident ignored) busy from `start`."""
    interval = (start.astimezone(UTC), start.astimezone(UTC) + timedelta(minutes=minutes))
    day = start.astimezone(availability.tz).date()
    if what == "patient":
        availability.patient_busy.setdefault(day, []).append(interval)
    else:
        index = availability.practitioner_busy if what == "practitioner" else availability.room_busy
        index.setdefault((ident, day), []).append(interval)


def starts(proposal: Placement) -> list[datetime]:
    return [placed.slot.start for placed in proposal.sessions]


def window_breaches(proposal: Placement, gaps: tuple[Gap, ...]) -> list[str]:
    """Each gap between planned sessions that falls outside its window."""
    days = [p.slot.start.date() for p in proposal.sessions]
    return [
        f"session {n + 2}: {(later - earlier).days} days"
        for n, (earlier, later, gap) in enumerate(zip(days, days[1:], gaps, strict=False))
        if not gap.min_days <= (later - earlier).days <= gap.max_days
    ]


def overlaps(proposal: Placement, availability: Availability) -> list[str]:
    """Each planned session that clashes with a busy practitioner, room or the patient."""
    found = []
    for placed in proposal.sessions:
        slot = placed.slot
        day = slot.start.date()
        lists = {
            "practitioner": availability.practitioner_busy.get((slot.practitioner.id, day), []),
            "room": availability.room_busy.get((slot.room.id, day), []),
            "patient": availability.patient_busy.get(day, []),
        }
        for what, intervals in lists.items():
            if any(b < slot.end and slot.start < e for b, e in intervals):
                found.append(f"session {placed.number}: {what} busy")
    return found
