"""Free slots for a single appointment (a consultation): pure functions over `Availability`."""

import heapq
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import chain, takewhile

from mesoclinic.clinical.planner import Availability, Preferences, Slot, free_slots_on_day

# A consultation's length is the clinic's product decision, not a protocol's: one constant.
CONSULTATION_MINUTES = 30
SEARCH_DAYS = 60  # how far ahead of the day asked for a consultation is looked for
ANY_TIME = Preferences(same_practitioner=False)


def open_slots(
    av: Availability,
    minutes: int,
    days: tuple[date, date],
    *,
    practitioner_id: int | None = None,
) -> Iterator[Slot]:
    """Every free slot between two days, soonest first; at one start, in the clinic's order."""
    length = timedelta(minutes=minutes)
    staff = [p for p in av.practitioners if practitioner_id in (None, p.id)]
    day = days[0]
    while day <= days[1]:
        # Each practitioner's day comes in time order; merging keeps ties in the clinic's order.
        each = [free_slots_on_day(av, day, person, length, ANY_TIME) for person in staff]
        yield from heapq.merge(*each, key=lambda s: s.start)
        day += timedelta(days=1)


def first_starts(slots: Iterator[Slot], count: int) -> list[Slot]:
    """The first `count` slots with different start times: the first practitioner free at each."""
    chosen: list[Slot] = []
    for slot in slots:
        if not chosen or slot.start > chosen[-1].start:
            chosen.append(slot)
        if len(chosen) == count:
            break
    return chosen


def first_free_day(
    av: Availability,
    minutes: int,
    days: tuple[date, date],
    *,
    practitioner_id: int | None = None,
) -> tuple[date | None, list[Slot]]:
    """The first day between two days with a free time, and every free start of it.

    One slot per start: the first practitioner free then, in the clinic's order (or the one
    named), each with its room.
    """
    slots = open_slots(av, minutes, days, practitioner_id=practitioner_id)
    first = next(slots, None)
    if first is None:
        return None, []
    day = first.start.astimezone(av.tz).date()
    same_day = takewhile(lambda s: s.start.astimezone(av.tz).date() == day, chain([first], slots))
    return day, first_starts(same_day, count=24 * 4)


def slot_at(
    av: Availability, minutes: int, start: datetime, practitioner_id: int | None
) -> Slot | None:
    """The free slot starting exactly at `start` (with that practitioner, if one is named)."""
    day = start.astimezone(av.tz).date()
    for slot in open_slots(av, minutes, (day, day), practitioner_id=practitioner_id):
        if slot.start == start:
            return slot
        if slot.start > start:
            break
    return None


def taken_by(
    av: Availability, start: datetime, end: datetime, practitioner_id: int | None
) -> str | None:
    """Who holds the time from `start` to `end`: the practitioner, the patient or every room."""
    day = start.astimezone(av.tz).date()

    def busy(intervals: list[tuple[datetime, datetime]]) -> bool:
        return any(b < end and start < e for b, e in intervals)

    for person in av.practitioners:
        if person.id == practitioner_id and busy(av.practitioner_busy.get((person.id, day), [])):
            return person.name
    if busy(av.patient_busy.get(day, [])):
        return "The patient"
    if av.rooms and all(busy(av.room_busy.get((room.id, day), [])) for room in av.rooms):
        return "Every room"
    return None
