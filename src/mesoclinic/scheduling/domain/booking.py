"""What every booking shares: the clinic's lock, and refusing a time someone holds already."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from mesoclinic.accounts.models import Clinic, User, signed_in_user
from mesoclinic.clinical.planner import Slot
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import LONGEST_APPOINTMENT, Appointment, AppointmentStatus

NOTHING_BOOKED = "Nothing was booked; plan the course again."


class SlotTaken(Exception):
    """Someone else booked the practitioner, the room or the patient first."""

    def __init__(
        self, who: str, start: datetime, end: datetime, advice: str = NOTHING_BOOKED
    ) -> None:
        self.who, self.start, self.end = who, start, end
        super().__init__(
            f"{who} is already booked on {start:%a %d %b %Y %H:%M}–{end:%H:%M}. {advice}"
        )


def clinic_lock(*, patient: Patient) -> None:
    """Take the clinic's booking lock, so bookings in one clinic wait for each other."""
    # The check after it then sees every earlier booking and racing bookings never deadlock in
    # the exclusion constraints, which stay as the last guard; SQLite's IMMEDIATE transaction
    # already holds the write lock. NO KEY UPDATE, because a plain FOR UPDATE also blocks every
    # row inserted meanwhile that names the clinic (the foreign key's KEY SHARE check): an audit
    # row written elsewhere would wait here while holding the audit chain's lock, which this
    # booking needs next, and PostgreSQL would end one of them as a deadlock.
    clinic_row = Clinic.objects.select_for_update(no_key=True).filter(pk=patient.clinic_id)
    list(clinic_row.values_list("pk"))


def appointment_insert(
    *, patient: Patient, slot: Slot, advice: str, by: User | None, **kind: Any
) -> Appointment:
    """Book `slot` for `patient`; the database's own refusal of an overlap reads as SlotTaken."""
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                practitioner_id=slot.practitioner.id,
                room_id=slot.room.id,
                start=slot.start,
                end=slot.end,
                status=AppointmentStatus.BOOKED,
                created_by=signed_in_user(by),
                **kind,
            )
    except IntegrityError as error:
        overlap_refused(error=error, slot=slot, advice=advice)
        raise


def overlap_refused(*, error: IntegrityError, slot: Slot, advice: str = NOTHING_BOOKED) -> None:
    """Raise the database's own refusal (PostgreSQL exclusion constraints) as SlotTaken."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
    if constraint == "appointment_practitioner_no_overlap":
        raise SlotTaken(slot.practitioner.name, slot.start, slot.end, advice) from error
    if constraint == "appointment_room_no_overlap":
        raise SlotTaken(slot.room.name, slot.start, slot.end, advice) from error


def refuse_taken(*, patient: Patient, slots: list[Slot], ignoring: Iterable[int]) -> None:
    """Raise SlotTaken when an active appointment holds a slot's practitioner, room or patient."""
    overlap = Q(pk__in=[])
    for slot in slots:
        who = Q(practitioner_id=slot.practitioner.id) | Q(room_id=slot.room.id) | Q(patient=patient)
        during = Q(start__lt=slot.end, start__gt=slot.start - LONGEST_APPOINTMENT)
        overlap |= during & Q(end__gt=slot.start) & who
    clash = Appointment.objects.holding().filter(overlap).exclude(pk__in=list(ignoring)).first()
    if clash is None:
        return
    for slot in slots:
        if clash.start < slot.end and slot.start < clash.end:
            tz = slot.start.tzinfo
            start, end = clash.start.astimezone(tz), clash.end.astimezone(tz)
            if clash.practitioner_id == slot.practitioner.id:
                raise SlotTaken(slot.practitioner.name, start, end)
            if clash.room_id == slot.room.id:
                raise SlotTaken(slot.room.name, start, end)
            raise SlotTaken(str(patient), start, end)
