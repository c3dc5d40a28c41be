"""Single appointments: booking a consultation, and cancelling or marking arrival or absence."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.planner import Slot
from mesoclinic.clinical.slots import (
    CONSULTATION_MINUTES,
    SEARCH_DAYS,
    open_slots,
    slot_at,
    taken_by,
)
from mesoclinic.clinics.models import Practitioner
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.booking import SlotTaken, appointment_insert, clinic_lock
from mesoclinic.scheduling.gate import NOT_BOOKABLE
from mesoclinic.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from mesoclinic.scheduling.queries import consultation_availability
from mesoclinic.scheduling.signals import appointments_changed

NO_FREE_SLOT = (
    "No free {minutes}-minute consultation{with_whom} between {first:%a %d %b %Y} and "
    "{last:%a %d %b %Y}: the practitioners' hours, the rooms and the closures leave no time."
)
NOT_OPEN = (
    "{practitioner} does not see patients at {start:%H:%M} on {start:%a %d %b %Y}, or the clinic "
    "is closed then; choose one of the free times shown."
)
CHOOSE_ANOTHER = "Nothing was booked; choose another time."
IN_THE_PAST = "{start:%a %d %b %Y %H:%M} has already passed; choose a time to come."
OTHER_CLINIC = "{practitioner} does not work at {clinic}."
STATUS_CHOICES = (AppointmentStatus.CANCELLED, AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW)
NOT_A_CHANGE = (
    "An appointment can be cancelled, or its patient marked arrived or absent; not {to!r}."
)
ONLY_BOOKED = "This appointment is {status}: only a booked appointment can change."
REASON_NEEDED = "Say why the appointment is cancelled (for the record and the patient)."
REASON_TOO_LONG = "The reason is {length} characters long; keep it to {limit}."
REASON_LIMIT = 300
BEGUN = (
    "This appointment began at {start:%H:%M} on {start:%a %d %b %Y}; it can no longer be cancelled."
)
ARRIVED_ON_THE_DAY = "A patient is marked arrived on the day of the appointment, {day:%a %d %b %Y}."
NO_SHOW_AFTER_START = (
    "A patient is marked absent once the appointment has begun, at {start:%H:%M} on "
    "{start:%a %d %b %Y}."
)


class NoFreeSlot(Exception):
    """No consultation fits between the day asked for and the end of the search."""


class AppointmentRefused(Exception):
    """An appointment cannot be booked or change as asked; the message says why."""


def consultation_book(
    *,
    patient: Patient,
    practitioner: Practitioner | None,
    start: datetime | None,
    from_day: date | None = None,
    by: User | None,
) -> Appointment:
    """Book a consultation at `start` or the earliest; its length is a product decision."""
    # No screening gate: the consultation is where the screening happens.
    if patient.deceased:
        raise AppointmentRefused(NOT_BOOKABLE.format(patient=patient))
    now = timezone.now()
    if start is not None and start < now:
        raise AppointmentRefused(IN_THE_PAST.format(start=start.astimezone(patient.clinic.tzinfo)))
    if practitioner is not None and practitioner.clinic_id != patient.clinic_id:
        raise AppointmentRefused(
            OTHER_CLINIC.format(practitioner=practitioner, clinic=patient.clinic)
        )
    with transaction.atomic():
        clinic_lock(patient=patient)
        slot = _consultation_slot(patient, practitioner, start, from_day, now)
        appointment = appointment_insert(
            patient=patient,
            slot=slot,
            by=by,
            advice=CHOOSE_ANOTHER,
            kind=AppointmentKind.CONSULTATION,
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=appointment,
            summary=f"booked a consultation on {slot.start:%Y-%m-%d %H:%M} with "
            f"{slot.practitioner.name} in {slot.room.name}",
            patient_id=patient.pk,
        )
        appointments_changed.send(sender=Appointment, appointment_ids=[appointment.pk], by=by)
    return appointment


def _consultation_slot(
    patient: Patient,
    practitioner: Practitioner | None,
    start: datetime | None,
    from_day: date | None,
    now: datetime,
) -> Slot:
    """The slot at `start` if it is still free, else the earliest from `from_day` (or today)."""
    tz = patient.clinic.tzinfo
    wanted = practitioner.pk if practitioner is not None else None
    if start is not None:
        day = start.astimezone(tz).date()
        availability = consultation_availability(patient.clinic, patient.pk, (day, day))
        slot = slot_at(availability, CONSULTATION_MINUTES, start, wanted)
        if slot is None:
            raise _why_not_at(availability, patient, practitioner, start)
        return slot
    first = max(from_day or now.astimezone(tz).date(), now.astimezone(tz).date())
    days = (first, first + timedelta(days=SEARCH_DAYS))
    availability = consultation_availability(patient.clinic, patient.pk, days)
    slots = open_slots(availability, CONSULTATION_MINUTES, days, practitioner_id=wanted)
    found = next(slots, None)
    if found is None:
        with_whom = f" with {practitioner}" if practitioner is not None else ""
        raise NoFreeSlot(
            NO_FREE_SLOT.format(
                minutes=CONSULTATION_MINUTES, with_whom=with_whom, first=days[0], last=days[1]
            )
        )
    return found


def _why_not_at(
    availability: Any, patient: Patient, practitioner: Practitioner | None, start: datetime
) -> Exception:
    """Say why no consultation can start at `start`: someone took it, or nobody works then."""
    end = start + timedelta(minutes=CONSULTATION_MINUTES)
    wanted = practitioner.pk if practitioner is not None else None
    who = taken_by(availability, start, end, wanted)
    local = start.astimezone(patient.clinic.tzinfo)
    if who is not None:
        who = str(patient) if who == "The patient" else who
        return SlotTaken(who, local, end.astimezone(local.tzinfo), CHOOSE_ANOTHER)
    name = str(practitioner) if practitioner is not None else "No practitioner"
    return AppointmentRefused(NOT_OPEN.format(practitioner=name, start=local))


def appointment_set_status(
    *, appointment: Appointment, status: str, by: User | None, reason: str = ""
) -> Appointment:
    """Cancel `appointment` (with a reason), or mark its patient arrived or absent; audited.

    A session of a course may be cancelled alone: the course keeps its other sessions (a
    product decision; "this and the following" on the course page moves the rest if needed).
    """
    reason = " ".join(reason.split())
    with transaction.atomic():
        # NO KEY UPDATE: the lock orders changes of the status, never of the key, so a row
        # naming the appointment (a session record, a reminder) written meanwhile, perhaps with
        # the audit chain's lock held, does not wait on it (see `clinic_lock`).
        current = Appointment.objects.select_for_update(no_key=True).get(pk=appointment.pk)
        _refuse_status(current, status, timezone.now())
        if status == AppointmentStatus.CANCELLED:
            _refuse_reason(reason)
        before = current.get_status_display().lower()
        current.status = status
        current.sequence += 1
        current.changed_at = timezone.now()
        fields = ["status", "sequence", "changed_at"]
        if status == AppointmentStatus.CANCELLED:
            current.cancel_reason = reason
            fields.append("cancel_reason")
        current.save(update_fields=fields)
        local = current.start.astimezone(current.clinic.tzinfo)
        what = current.get_kind_display().lower()
        if current.number:
            what += f" {current.number}"
        because = f" ({reason})" if status == AppointmentStatus.CANCELLED else ""
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=current,
            summary=f"{what} of {local:%Y-%m-%d %H:%M}: "
            f"{before} → {current.get_status_display().lower()}{because}",
            patient_id=current.patient_id,
        )
        appointments_changed.send(sender=Appointment, appointment_ids=[current.pk], by=by)
    return current


def _refuse_reason(reason: str) -> None:
    if not reason:
        raise AppointmentRefused(REASON_NEEDED)
    if len(reason) > REASON_LIMIT:
        raise AppointmentRefused(REASON_TOO_LONG.format(length=len(reason), limit=REASON_LIMIT))


def _refuse_status(appointment: Appointment, status: str, now: datetime) -> None:
    """Raise AppointmentRefused unless `appointment` may take `status` now."""
    local = appointment.start.astimezone(appointment.clinic.tzinfo)
    if status not in STATUS_CHOICES:
        raise AppointmentRefused(NOT_A_CHANGE.format(to=status))
    if appointment.status != AppointmentStatus.BOOKED:
        raise AppointmentRefused(
            ONLY_BOOKED.format(status=appointment.get_status_display().lower())
        )
    if status == AppointmentStatus.CANCELLED and appointment.start <= now:
        raise AppointmentRefused(BEGUN.format(start=local))
    if status == AppointmentStatus.ARRIVED and local.date() != now.astimezone(local.tzinfo).date():
        raise AppointmentRefused(ARRIVED_ON_THE_DAY.format(day=local))
    if status == AppointmentStatus.NO_SHOW and appointment.start > now:
        raise AppointmentRefused(NO_SHOW_AFTER_START.format(start=local))


def status_changes(*, appointment: Appointment, now: datetime) -> list[str]:
    """The statuses `appointment` may take now, for the buttons a page offers."""
    allowed = []
    for status in STATUS_CHOICES:
        try:
            _refuse_status(appointment, status, now)
        except AppointmentRefused:
            continue
        allowed.append(status.value)
    return allowed


def consultation_move_next_free(*, appointment: Appointment, by: User | None) -> Appointment:
    """Move a consultation to the next free time after its day (a closure), with its
    practitioner when they have one within the search, else with anyone; audited."""
    patient = appointment.patient
    tz = patient.clinic.tzinfo
    first = max(
        appointment.start.astimezone(tz).date() + timedelta(days=1),
        timezone.localdate(timezone=tz),
    )
    days = (first, first + timedelta(days=SEARCH_DAYS))
    with transaction.atomic():
        clinic_lock(patient=patient)
        availability = consultation_availability(patient.clinic, patient.pk, days)
        slot = next(
            open_slots(
                availability,
                CONSULTATION_MINUTES,
                days,
                practitioner_id=appointment.practitioner_id,
            ),
            None,
        ) or next(open_slots(availability, CONSULTATION_MINUTES, days), None)
        if slot is None:
            raise NoFreeSlot(
                NO_FREE_SLOT.format(
                    minutes=CONSULTATION_MINUTES, with_whom="", first=days[0], last=days[1]
                )
            )
        before = appointment.start.astimezone(tz)
        appointment.start, appointment.end = slot.start, slot.end
        appointment.practitioner_id, appointment.room_id = slot.practitioner.id, slot.room.id
        appointment.sequence += 1
        appointment.changed_at = timezone.now()
        appointment.save(
            update_fields=["start", "end", "practitioner", "room", "sequence", "changed_at"]
        )
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=appointment,
            summary=f"consultation moved from {before:%Y-%m-%d %H:%M} to "
            f"{slot.start:%Y-%m-%d %H:%M} with {slot.practitioner.name} in {slot.room.name}",
            patient_id=patient.pk,
        )
    return appointment
