"""The course planner: the earliest whole course that fits everyone's real availability.

Pure functions over plain data (`Availability`, loaded by `scheduling.queries` in a few queries),
so the pages, the command line, the API and the benchmark plan the same way.

Earliest means: of all feasible courses, the one whose list of session start times
(s1, s2, …, sn) is lexicographically smallest — the first session as early as possible, then,
among courses with that first start, the second as early as possible, and so on. Ties between
courses with the same start times go to the practitioner, then the room, that comes first in the
clinic's order.

Why a search and not a greedy: placing each session at its earliest slot can push a later session
into a window with no free slot (a holiday, a full week), when a later first session would have
worked. The search below tries the days of each window in order and backtracks; a course from
(session k, day, practitioner) onward is remembered once computed, so the search visits each
state once.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

STEP = timedelta(minutes=15)  # sessions start on the quarter hour
NOON = time(12)
HORIZON_DAYS = 120  # how far ahead of the first possible date the first session may go


class TimeOfDay(StrEnum):
    """Morning sessions start before noon; afternoon sessions start at noon or later."""

    ANY = "any"
    MORNING = "morning"
    AFTERNOON = "afternoon"


@dataclass(frozen=True)
class Period:
    """A stretch of wall-clock time on one weekday (opening or working hours)."""

    starts: time
    ends: time


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class Staff:
    """A practitioner and their weekly working hours by weekday (0 = Monday)."""

    id: int
    name: str
    hours: dict[int, tuple[Period, ...]]


Interval = tuple[datetime, datetime]


@dataclass
class Availability:
    """Everything the planner needs to know about one clinic, as plain data."""

    tz: ZoneInfo
    opening: dict[int, tuple[Period, ...]]
    closed_days: frozenset[date]
    practitioners: tuple[Staff, ...]
    rooms: tuple[Named, ...]
    # Busy intervals (UTC) by local day, for each practitioner id, room id, and the patient.
    practitioner_busy: dict[tuple[int, date], list[Interval]] = field(default_factory=dict)
    room_busy: dict[tuple[int, date], list[Interval]] = field(default_factory=dict)
    patient_busy: dict[date, list[Interval]] = field(default_factory=dict)
    # Nothing is offered before this moment (now, when planning against the real calendar).
    not_before: datetime | None = None
    # Against the real calendar, the busy times of a day are fetched when the search first
    # looks at it (`load(day)` adds them and the days it fetched to `loaded`); without `load`,
    # every busy time is given above.
    load: Callable[[date], None] | None = None
    loaded: set[date] = field(default_factory=set)

    def need(self, day: date) -> None:
        """Make sure the busy times of `day` are known."""
        if self.load is not None and day not in self.loaded:
            self.load(day)


@dataclass(frozen=True)
class Preferences:
    """What the patient asked for; `practitioner_id` pins one practitioner for every session."""

    same_practitioner: bool = True
    practitioner_id: int | None = None
    time_of_day: TimeOfDay = TimeOfDay.ANY
    weekdays: frozenset[int] = frozenset(range(7))


@dataclass(frozen=True)
class Gap:
    """The days allowed between one session and the next, both ends included."""

    min_days: int
    max_days: int


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    practitioner: Named
    room: Named


@dataclass(frozen=True)
class Placed:
    number: int
    slot: Slot


@dataclass(frozen=True)
class Unplaced:
    number: int
    reason: str


@dataclass
class Placement:
    """The planner's answer: the sessions it placed and, when the course does not fit, the rest."""

    sessions: list[Placed]
    unplaced: list[Unplaced]
    minutes: int
    gaps: tuple[Gap, ...]

    @property
    def complete(self) -> bool:
        return not self.unplaced


def earliest_course(
    availability: Availability,
    gaps: tuple[Gap, ...],
    minutes: int,
    first_days: tuple[date, date],
    preferences: Preferences = Preferences(),
    first_number: int = 1,
) -> Placement:
    """The earliest course of len(gaps)+1 sessions, the first on a day within `first_days`."""
    search = _Search(availability, gaps, timedelta(minutes=minutes), preferences)
    course = search.course(0, first_days, None)
    placed = course if course is not None else search.deepest
    sessions = [Placed(first_number + k, slot) for k, slot in enumerate(placed)]
    unplaced = _unplaced(search, first_days, placed, first_number)
    return Placement(sessions, unplaced, minutes, gaps)


def planning_gap(gap: Gap) -> Gap:
    """The days a session is planned at: its window less a day at each end, when it has three.

    A product decision: a session planned a day inside its window on both sides can move a
    day either way alone (a 14–21-day gap is planned at 15–20 days), since a patient's "can we
    make it the day before?" is the move a front desk is asked for most.
    """
    if gap.max_days - gap.min_days >= 2:
        return Gap(gap.min_days + 1, gap.max_days - 1)
    return gap


def course_with_room(
    availability: Availability,
    gaps: tuple[Gap, ...],
    minutes: int,
    first_days: tuple[date, date],
    preferences: Preferences = Preferences(),
    first_number: int = 1,
) -> Placement:
    """The earliest course planned at `planning_gap`s; the whole windows only when none fits.

    The placement names the template's own gaps, which its sessions keep either way.
    """
    narrow = tuple(planning_gap(gap) for gap in gaps)
    placement = earliest_course(
        availability, narrow, minutes, first_days, preferences, first_number
    )
    if narrow != gaps and not placement.complete:
        placement = earliest_course(
            availability, gaps, minutes, first_days, preferences, first_number
        )
    return Placement(placement.sessions, placement.unplaced, placement.minutes, gaps)


def default_first_days(first: date) -> tuple[date, date]:
    """The days a first session may fall on, from the first possible date to the horizon."""
    return first, first + timedelta(days=HORIZON_DAYS)


def free_slot(
    availability: Availability,
    minutes: int,
    days: tuple[date, date],
    preferences: Preferences = Preferences(),
) -> Slot | None:
    """The earliest single free slot between two days: what booking one appointment needs."""
    search = _Search(availability, (), timedelta(minutes=minutes), preferences)
    course = search.course(0, days, None)
    return course[0] if course else None


class _Search:
    """A depth-first search over the days of each window, remembering every state it solves."""

    def __init__(
        self,
        availability: Availability,
        gaps: tuple[Gap, ...],
        length: timedelta,
        prefs: Preferences,
    ) -> None:
        self.av = availability
        self.gaps = gaps
        self.length = length
        self.prefs = prefs
        self.solved: dict[tuple[int, date, int | None], list[Slot] | None] = {}
        self.slots: dict[tuple[date, int], Slot | None] = {}
        self.deepest: list[Slot] = []
        self.path: list[Slot] = []

    def course(
        self, k: int, days: tuple[date, date], practitioner_id: int | None
    ) -> list[Slot] | None:
        """The earliest sessions k… with session k on a day in `days`, or None."""
        if k > len(self.gaps):
            return []
        for group in self._candidates_by_start(days, practitioner_id):
            courses = [c for c in (self._after(k, slot) for slot in group) if c is not None]
            if courses:
                return min(courses, key=lambda c: [s.start for s in c])
        return None

    def _after(self, k: int, slot: Slot) -> list[Slot] | None:
        """The earliest course from session k placed in `slot` onward, remembered per state."""
        pinned = slot.practitioner.id if self.prefs.same_practitioner else None
        key = (k, slot.start.astimezone(self.av.tz).date(), pinned)
        if key not in self.solved:
            self.path.append(slot)
            if len(self.path) > len(self.deepest):
                self.deepest = list(self.path)
            rest = self.course(k + 1, self._window(k, key[1]), pinned) if k < len(self.gaps) else []
            self.path.pop()
            self.solved[key] = rest
        rest = self.solved[key]
        return None if rest is None else [slot, *rest]

    def _window(self, k: int, day: date) -> tuple[date, date]:
        gap = self.gaps[k]
        return day + timedelta(days=gap.min_days), day + timedelta(days=gap.max_days)

    def _candidates_by_start(
        self, days: tuple[date, date], practitioner_id: int | None
    ) -> Iterator[list[Slot]]:
        """For each day in order, the day's earliest slot per practitioner, grouped by start."""
        day, last = days
        while day <= last:
            slots = [s for s in (self._slot(day, p) for p in self._staff(practitioner_id)) if s]
            if slots and not self.prefs.same_practitioner:
                # Any practitioner will do: only the day's earliest slot can lead to the answer.
                slots = [min(slots, key=lambda s: s.start)]
            for start in sorted({s.start for s in slots}):
                yield [s for s in slots if s.start == start]
            day += timedelta(days=1)

    def _staff(self, practitioner_id: int | None) -> Iterator[Staff]:
        wanted = practitioner_id if practitioner_id is not None else self.prefs.practitioner_id
        return (p for p in self.av.practitioners if wanted is None or p.id == wanted)

    def _slot(self, day: date, staff: Staff) -> Slot | None:
        """The earliest free slot of `staff` on `day` with a free room, remembered per day."""
        key = (day, staff.id)
        if key not in self.slots:
            self.slots[key] = earliest_on_day(self.av, day, staff, self.length, self.prefs)
        return self.slots[key]


def earliest_on_day(
    av: Availability, day: date, staff: Staff, length: timedelta, prefs: Preferences
) -> Slot | None:
    """The earliest start on `day` when `staff`, a room and the patient are all free."""
    return next(free_slots_on_day(av, day, staff, length, prefs), None)


def free_slots_on_day(
    av: Availability, day: date, staff: Staff, length: timedelta, prefs: Preferences
) -> Iterator[Slot]:
    """Every quarter-hour start on `day` when `staff`, a room and the patient are free, in order."""
    if day in av.closed_days or day.weekday() not in prefs.weekdays:
        return
    av.need(day)
    for begins, ends, latest in _open_periods(av, day, staff, prefs.time_of_day):
        start = begins
        while start + length <= ends and start < latest:
            slot = _free_at(av, day, staff, start, start + length)
            if slot is not None and (av.not_before is None or start >= av.not_before):
                yield slot
            start += STEP


def _free_at(
    av: Availability, day: date, staff: Staff, start: datetime, end: datetime
) -> Slot | None:
    if _clash(av.patient_busy.get(day, ()), start, end):
        return None
    if _clash(av.practitioner_busy.get((staff.id, day), ()), start, end):
        return None
    for room in av.rooms:
        if not _clash(av.room_busy.get((room.id, day), ()), start, end):
            return Slot(
                start.astimezone(av.tz), end.astimezone(av.tz), Named(staff.id, staff.name), room
            )
    return None


def _clash(busy: list[Interval] | tuple[()], start: datetime, end: datetime) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in busy)


def _open_periods(
    av: Availability, day: date, staff: Staff, time_of_day: TimeOfDay
) -> Iterator[tuple[datetime, datetime, datetime]]:
    """The UTC stretches of `day` in both the clinic's and `staff`'s hours, and the last start."""
    weekday = day.weekday()
    for opening in av.opening.get(weekday, ()):
        for working in staff.hours.get(weekday, ()):
            starts = max(opening.starts, working.starts)
            ends = min(opening.ends, working.ends)
            if time_of_day is TimeOfDay.AFTERNOON:
                starts = max(starts, NOON)
            if starts >= ends:
                continue
            ends_at = wall(day, ends, av.tz)
            # A morning session may run past noon, but must start before it.
            latest = wall(day, NOON, av.tz) if time_of_day is TimeOfDay.MORNING else ends_at
            yield _on_grid(wall(day, starts, av.tz)), ends_at, latest


def wall(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in the clinic; a skipped wall time moves on."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _on_grid(moment: datetime) -> datetime:
    """`moment` rounded up to the next quarter hour."""
    extra = (moment - datetime(2000, 1, 1, tzinfo=UTC)) % STEP
    return moment if not extra else moment + (STEP - extra)


def _unplaced(
    search: _Search, first_days: tuple[date, date], placed: list[Slot], first_number: int
) -> list[Unplaced]:
    """Why each session after the placed ones could not be placed."""
    total = len(search.gaps) + 1
    if len(placed) == total:
        return []
    k = len(placed)
    minutes = int(search.length.total_seconds() // 60)
    if k == 0:
        days = first_days
        rule = "the day asked for" if days[0] == days[1] else "from the first possible date"
    else:
        days = search._window(k - 1, placed[-1].start.date())
        gap = search.gaps[k - 1]
        rule = f"{gap.min_days}–{gap.max_days} days after session {first_number + k - 1}"
    when = (
        f"on {days[0]:%a %d %b %Y}"
        if days[0] == days[1]
        else f"between {days[0]:%a %d %b %Y} and {days[1]:%a %d %b %Y}"
    )
    first = Unplaced(
        first_number + k,
        f"no {minutes}-minute slot with a free practitioner and room while the clinic is open "
        f"{when} ({rule})",
    )
    rest = [
        Unplaced(
            first_number + n, f"comes after session {first_number + k}, which could not be placed"
        )
        for n in range(k + 1, total)
    ]
    return [first, *rest]
