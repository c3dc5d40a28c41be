"""Reads shared by the planner, the pages, the command line and the API."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, user_name
from mesoclinic.clinical.planner import Availability, Named, Period, Staff, wall
from mesoclinic.clinics.models import (
    ClinicClosure,
    OpeningHours,
    Practitioner,
    Room,
    WorkingHours,
)
from mesoclinic.patients.models import Patient, full_name
from mesoclinic.scheduling.models import (
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentStatus,
    Course,
    what_of,
)


def availability_for(
    clinic: Clinic,
    patient_id: int | None,
    days: tuple[date, date],
    *,
    ignoring: Iterable[int] = (),
) -> Availability:
    """What the planner needs to place sessions in `clinic` between two days.

    Only rooms fit for treatment sessions count; `ignoring` names sessions being moved.
    """
    return _availability(clinic, patient_id, days, treatment_rooms(clinic), set(ignoring))


def consultation_availability(
    clinic: Clinic, patient_id: int | None, days: tuple[date, date]
) -> Availability:
    """What booking a consultation needs: any room in use, consultation rooms first."""
    return _availability(clinic, patient_id, days, consultation_rooms(clinic), set())


def _availability(
    clinic: Clinic,
    patient_id: int | None,
    days: tuple[date, date],
    rooms: QuerySet[Room],
    ignoring: set[int],
) -> Availability:
    """Hours, closures, practitioners, `rooms` and the appointments that touch `days`.

    The real calendar never offers a time that has already passed.
    """
    tz = clinic.tzinfo
    opening: dict[int, list[Period]] = defaultdict(list)
    for hours in OpeningHours.objects.filter(clinic=clinic):
        opening[hours.weekday].append(Period(hours.starts, hours.ends))
    closed = ClinicClosure.objects.filter(clinic=clinic, day__range=days)
    availability = Availability(
        tz=tz,
        opening={day: tuple(periods) for day, periods in opening.items()},
        closed_days=frozenset(closed.values_list("day", flat=True)),
        practitioners=tuple(practitioners_of(clinic)),
        rooms=tuple(Named(r.id, r.name) for r in rooms),
        not_before=timezone.now(),
    )
    availability.load = _BusyLoader(availability, clinic, patient_id, ignoring)
    return availability


def treatment_rooms(clinic: Clinic) -> QuerySet[Room]:
    """The clinic's rooms in use where sessions may be booked."""
    return Room.objects.filter(clinic=clinic, active=True, for_sessions=True)


def consultation_rooms(clinic: Clinic) -> QuerySet[Room]:
    """The clinic's rooms in use, consultation-only rooms first, so treatment rooms stay free."""
    return Room.objects.filter(clinic=clinic, active=True).order_by("for_sessions", "name")


def practitioners_of(clinic: Clinic) -> list[Staff]:
    """The clinic's active practitioners with their working hours, in the clinic's order.

    Two queries of plain values: the planner reads names and hours, never whole records.
    """
    active = Practitioner.objects.filter(clinic=clinic, active=True)
    hours: dict[int, dict[int, list[Period]]] = defaultdict(lambda: defaultdict(list))
    rows = WorkingHours.objects.filter(practitioner__in=active)
    for practitioner_id, weekday, starts, ends in rows.values_list(
        "practitioner_id", "weekday", "starts", "ends"
    ):
        hours[practitioner_id][weekday].append(Period(starts, ends))
    names = active.values_list("id", "user__first_name", "user__last_name", "user__username")
    return [
        # As the practitioner is shown everywhere: the user's full name, else the username.
        Staff(
            pk, f"{first} {last}".strip() or username, {d: tuple(p) for d, p in hours[pk].items()}
        )
        for pk, first, last, username in names
    ]


class _BusyLoader:
    """Fetches the active appointments of a few days at a time, as the planner reaches them.

    The search walks the days of each session's window in order and stops at the first that
    fits, so a course usually looks at a handful of days, not the months its windows span.
    Only the columns the planner reads are fetched.
    """

    DAYS = 1  # fetched together

    def __init__(
        self,
        availability: Availability,
        clinic: Clinic,
        patient_id: int | None,
        ignoring: set[int],
    ) -> None:
        self.availability = availability
        self.clinic = clinic
        self.patient_id = patient_id
        self.ignoring = ignoring

    def __call__(self, first: date) -> None:
        av = self.availability
        days = [first + timedelta(days=n) for n in range(self.DAYS)]
        days = [day for day in days if day not in av.loaded]
        last = days[-1]
        av.loaded.update(days)
        tz = av.tz
        rows = (
            Appointment.objects.holding()
            .filter(clinic=self.clinic)
            .overlapping(wall(first, time(), tz), wall(last + timedelta(days=1), time(), tz))
        )
        columns = ["practitioner_id", "room_id", "patient_id", "start", "end"]
        if self.ignoring:
            rows = rows.exclude(pk__in=self.ignoring)
        for practitioner_id, room_id, patient, begins, ends in rows.values_list(*columns):
            for day in _local_days(begins, ends, tz):
                if not first <= day <= last:
                    continue  # another fetch holds that day's busy times
                av.practitioner_busy.setdefault((practitioner_id, day), []).append((begins, ends))
                av.room_busy.setdefault((room_id, day), []).append((begins, ends))
                if patient == self.patient_id:
                    av.patient_busy.setdefault(day, []).append((begins, ends))


def _local_days(begins: datetime, ends: datetime, tz: ZoneInfo) -> Iterator[date]:
    """The clinic days an interval touches (usually one)."""
    day = begins.astimezone(tz).date()
    last = ends.astimezone(tz).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass(slots=True)
class AppointmentEntry:
    """An appointment as a list shows it, in the clinic's time: plain words, no model rows."""

    pk: int
    status: str
    status_label: str
    start: datetime
    hours: str
    patient_id: int
    patient: str
    course_id: int | None
    what: str
    practitioner_id: int
    practitioner: str
    room_id: int
    room: str
    # The entry's markup, written by the page that shows it.
    html: str = ""


# What an entry reads of its appointment and patient.
ENTRY_READS = (
    "pk",
    "status",
    "start",
    "end",
    "kind",
    "number",
    "course_id",
    "patient_id",
    "patient__given_name",
    "patient__family_name",
    "practitioner_id",
    "practitioner__user__first_name",
    "practitioner__user__last_name",
    "practitioner__user__username",
    "room_id",
    "room__name",
)


def appointment_entries(
    appointments: QuerySet[Appointment], clinic: Clinic
) -> list[AppointmentEntry]:
    """The appointments as entries, in one query however many: a large clinic's calendar or
    day lists hundreds, and plain values cost a fraction of rows."""
    tz = clinic.tzinfo
    statuses = dict(AppointmentStatus.choices)
    return [
        AppointmentEntry(
            pk=pk,
            status=status,
            status_label=statuses[status],
            start=(local := start.astimezone(tz)),
            hours=f"{local:%H:%M}–{end.astimezone(tz):%H:%M}",
            patient_id=patient,
            patient=full_name(given, family),
            course_id=course,
            what=what_of(number, kind),
            practitioner_id=practitioner,
            practitioner=user_name(first, last, username),
            room_id=room,
            room=room_name,
        )
        for (
            pk,
            status,
            start,
            end,
            kind,
            number,
            course,
            patient,
            given,
            family,
            practitioner,
            first,
            last,
            username,
            room,
            room_name,
        ) in appointments.values_list(*ENTRY_READS)
    ]


@dataclass
class CalendarRow:
    """One practitioner or room, and its appointments on each day shown."""

    resource: Any
    days: list[list[AppointmentEntry]]


def calendar_resources(clinic: Clinic, by: str) -> list[Any]:
    """The rows the calendar can show: the clinic's practitioners, or its rooms in use."""
    if by == "room":
        return list(Room.objects.filter(clinic=clinic, active=True))
    return list(Practitioner.objects.filter(clinic=clinic).select_related("user"))


def calendar_rows(
    clinic: Clinic, by: str, days: list[date], resources: list[Any]
) -> list[CalendarRow]:
    """The appointments of `resources` (practitioners or rooms) on `days`.

    Bounded both ways: by the days shown and by the rows shown, however large the clinic.
    """
    tz = clinic.tzinfo
    key = "room_id" if by == "room" else "practitioner_id"
    appointments = (
        Appointment.objects.filter(clinic=clinic, **{f"{key}__in": [r.pk for r in resources]})
        .exclude(status=AppointmentStatus.CANCELLED)
        .overlapping(wall(days[0], time(), tz), wall(days[-1] + timedelta(days=1), time(), tz))
    )
    cells: dict[tuple[int, date], list[AppointmentEntry]] = defaultdict(list)
    for entry in appointment_entries(appointments, clinic):
        cells[(getattr(entry, key), entry.start.date())].append(entry)
    return [CalendarRow(r, [cells[(r.pk, day)] for day in days]) for r in resources]


def patient_appointments_from(patient: Patient, now: datetime) -> list[Appointment]:
    """The patient's appointments not yet over at `now`, soonest first, with their practitioner
    and room."""
    return list(
        patient.appointments.filter(end__gte=now, start__gt=now - LONGEST_APPOINTMENT)
        .select_related("practitioner__user", "room")
        .order_by("start", "id")
    )


def patient_courses(patient: Patient) -> list[Course]:
    """The patient's courses, newest first."""
    return list(Course.objects.filter(patient=patient))


def upcoming_sessions(patient_ids: Iterable[int], now: datetime) -> QuerySet[Appointment]:
    """The active appointments of these patients from `now` on, soonest first."""
    return (
        Appointment.objects.holding()
        .filter(patient_id__in=list(patient_ids), end__gte=now, start__gt=now - LONGEST_APPOINTMENT)
        .select_related("practitioner__user", "room", "course")
    )


def appointments_on(
    clinic_id: int, day_start: datetime, day_end: datetime
) -> QuerySet[Appointment]:
    """The clinic's active appointments between two instants (a day on the dashboard)."""
    return Appointment.objects.holding().filter(clinic_id=clinic_id).overlapping(day_start, day_end)
