"""The demo clinic's calendar, lived in on whatever day it is loaded: consultations and
sessions today, a full week ahead, courses at every stage, patients with phone numbers.

Written straight into the calendar (these are records of a past and a planned week, not
bookings made now); every time is checked free of the practitioner, the room and the patient.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.patients.models import Patient, Sex
from mesoclinic.scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Course,
    CourseStatus,
)

CLINIC = "Harbour Skin Clinic"
PROTOCOL = "ref-000"
# Sessions of a ref-000 course 2–3 weeks apart: planned 15 days apart, a day inside the window.
SESSION_GAP = 15
SESSION_MINUTES = 15
CONSULTATION_MINUTES = 30
REASON = "Returning patient: the same plan as last year's course, reviewed today."


@dataclass(frozen=True)
class DemoPatient:
    given: str
    family: str
    born: dt.date
    sex: str
    phone: str


# Fictional numbers from Ofcom's range for drama (07700 900000–900999).
PATIENTS = [
    DemoPatient("Olivia", "Brennan", dt.date(1988, 3, 14), Sex.FEMALE, "+447700900101"),
    DemoPatient("Tomás", "Reyes", dt.date(1975, 11, 2), Sex.MALE, "+447700900102"),
    DemoPatient("Hana", "Sato", dt.date(1992, 7, 21), Sex.FEMALE, "+447700900103"),
    DemoPatient("Priya", "Shah", dt.date(1983, 5, 9), Sex.FEMALE, "+447700900104"),
    DemoPatient("Daniel", "Brooks", dt.date(1969, 1, 30), Sex.MALE, "+447700900105"),
    DemoPatient("Amara", "Okoye", dt.date(1997, 9, 12), Sex.FEMALE, "+447700900106"),
    DemoPatient("Lucas", "Meyer", dt.date(1990, 12, 5), Sex.MALE, "+447700900107"),
    DemoPatient("Zoë", "Clarke", dt.date(2001, 4, 18), Sex.FEMALE, "+447700900108"),
]
PORTAL_PHONES = {
    "patient": "+447700900111",
    "patient.james": "+447700900112",
    "patient.mia": "+447700900113",
    "patient.riverside": "+33612345678",
}


def demo_calendar_load() -> None:
    """Fill the demo clinic's calendar once; a second run finds Olivia and changes nothing."""
    clinic = Clinic.objects.filter(name=CLINIC).first()
    if clinic is None or Patient.objects.filter(clinic=clinic, given_name="Olivia").exists():
        return
    for username, phone in PORTAL_PHONES.items():
        Patient.objects.filter(user__username=username, phone="").update(
            phone=phone, phone_key=phone.lstrip("+")
        )
    patients = [
        Patient.objects.create(
            clinic=clinic,
            given_name=p.given,
            family_name=p.family,
            birth_date=p.born,
            sex=p.sex,
            phone=p.phone,
            email=f"{p.given.lower()}.{p.family.lower()}@example.org".replace("ë", "e").replace(
                "á", "a"
            ),
        )
        for p in PATIENTS
    ]
    calendar = DemoCalendar(clinic)
    today = timezone.localdate(timezone=clinic.tzinfo)
    olivia, tomas, hana, priya, daniel, amara, lucas, zoe = patients
    # Courses at every stage: half-way with a session today, just begun, done, and cancelled.
    calendar.course(olivia, first=today - dt.timedelta(days=3 * SESSION_GAP), at=(11, 0))
    calendar.course(tomas, first=today + dt.timedelta(days=1), at=(10, 0))
    calendar.course(hana, first=today - dt.timedelta(days=100), at=(9, 30))
    calendar.course(priya, first=today + dt.timedelta(days=3), at=(15, 0), cancelled=True)
    # Today's consultations, and a full week of them ahead.
    for patient, hour in ((daniel, 10), (amara, 14), (lucas, 16)):
        calendar.consultation(patient, today, hour)
    week = [zoe, daniel, amara, lucas, priya, hana]
    for n in range(1, 7):
        calendar.consultation(week[n - 1], today + dt.timedelta(days=n), 9 + n)
        calendar.consultation(week[-n], today + dt.timedelta(days=n), 14)


class DemoCalendar:
    """Places the demo's appointments at the first free time, as written records."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic
        self.now = timezone.now()
        self.practitioners = list(
            Practitioner.objects.filter(clinic=clinic, active=True).order_by("pk")
        )
        self.rooms = list(Room.objects.filter(clinic=clinic, active=True).order_by("pk"))
        self.by = User.objects.filter(username="dr.morgan").first()

    def consultation(self, patient: Patient, day: dt.date, hour: int) -> None:
        rooms = sorted(self.rooms, key=lambda r: "Consultation" not in r.name)
        self._place(patient, day, (hour, 0), CONSULTATION_MINUTES, rooms, kind="consultation")

    def course(
        self, patient: Patient, *, first: dt.date, at: tuple[int, int], cancelled: bool = False
    ) -> Course:
        protocol = load_protocol(PROTOCOL)
        template = protocol.course()
        days = [first + dt.timedelta(days=SESSION_GAP * n) for n in range(template.sessions_max)]
        ended = all(self._at(d, at) < self.now for d in days)
        begun = self._at(days[0], at) < self.now
        course = Course.objects.create(
            clinic=self.clinic,
            patient=patient,
            protocol_id=protocol.id,
            protocol_version=str(protocol.version),
            template_id=template.id,
            areas=["face"],
            status=CourseStatus.CANCELLED
            if cancelled
            else CourseStatus.COMPLETED
            if ended
            else CourseStatus.ACTIVE
            if begun
            else CourseStatus.PLANNED,
            verdict="eligible",
            unplanned_reason=REASON,
            unplanned_by=self.by,
            unplanned_at=self.now,
            created_by=self.by,
        )
        rooms = [r for r in self.rooms if r.for_sessions]
        for number, day in enumerate(days, start=1):
            self._place(
                patient,
                day,
                at,
                SESSION_MINUTES,
                rooms,
                kind="session",
                course=course,
                number=number,
                cancelled=cancelled,
            )
        return course

    def _at(self, day: dt.date, at: tuple[int, int]) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(*at), tzinfo=self.clinic.tzinfo)

    def _place(
        self,
        patient: Patient,
        day: dt.date,
        at: tuple[int, int],
        minutes: int,
        rooms: list[Room],
        *,
        kind: str,
        course: Course | None = None,
        number: int | None = None,
        cancelled: bool = False,
    ) -> None:
        """The first free time from `at` that day, moving on by quarter hours."""
        start = self._at(day, at)
        for _ in range(32):
            end = start + dt.timedelta(minutes=minutes)
            spot = self._free(patient, start, end, rooms)
            if spot is not None:
                practitioner, room = spot
                Appointment.objects.create(
                    clinic=self.clinic,
                    patient=patient,
                    practitioner=practitioner,
                    room=room,
                    start=start,
                    end=end,
                    kind=AppointmentKind(kind),
                    status=self._status(start, end, cancelled),
                    course=course,
                    number=number,
                    created_by=self.by,
                    cancel_reason="the patient moved away" if cancelled else "",
                )
                return
            start += dt.timedelta(minutes=15)

    def _status(self, start: dt.datetime, end: dt.datetime, cancelled: bool) -> str:
        if cancelled:
            return AppointmentStatus.CANCELLED
        if end <= self.now:
            return AppointmentStatus.COMPLETED
        if start <= self.now:
            return AppointmentStatus.ARRIVED
        return AppointmentStatus.BOOKED

    def _free(
        self, patient: Patient, start: dt.datetime, end: dt.datetime, rooms: list[Room]
    ) -> tuple[Practitioner, Room] | None:
        busy = Appointment.objects.holding().overlapping(start, end)
        if busy.filter(patient=patient).exists():
            return None
        taken = set(
            busy.filter(Q(practitioner__in=self.practitioners) | Q(room__in=rooms)).values_list(
                "practitioner_id", "room_id"
            )
        )
        people = {p for p, _ in taken}
        places = {r for _, r in taken}
        practitioner = next((p for p in self.practitioners if p.pk not in people), None)
        room = next((r for r in rooms if r.pk not in places), None)
        return (practitioner, room) if practitioner and room else None
