"""Reminders follow their appointments: created at booking, moved and cancelled with them."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.followup.models import (
    Channel,
    Reminder,
    ReminderPreference,
    ReminderStatus,
)
from mesoclinic.followup.reminders import PlannedReminder, leaves_at, planned_reminders
from mesoclinic.followup.tasks import wake_at
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus

# A session that took place keeps its aftercare, check-ins and recall.
KEEPS_REMINDERS = (*ACTIVE_STATUSES, AppointmentStatus.COMPLETED)
QUIET_HOURS_EMPTY = "Quiet hours from {start:%H:%M} until {end:%H:%M} would be no hours at all."


def reminders_sync(*, appointment_ids: Iterable[int], by: User | None) -> int:
    """Give each appointment (and the rest of its course) its reminders; returns how many moved.

    Scheduled reminders move with their appointment and are cancelled with it; a reminder that
    was sent is sent again only when what it is about moved. The change that called this (a
    booking, a move, a cancellation) wrote the audit row.
    """
    with transaction.atomic():
        appointments = _with_their_courses(appointment_ids)
        last = _last_of_courses(appointments)
        now = timezone.now()
        changed: list[Reminder] = []
        for appointment in appointments:
            keeps = appointment.status in KEEPS_REMINDERS
            wanted = planned_reminders(appointment, last_of_course=appointment.pk in last)
            changed += _reconcile(appointment, wanted if keeps else [], now)
        wake_at({r.due_at for r in changed if r.status == ReminderStatus.SCHEDULED})
    return len(changed)


def _with_their_courses(appointment_ids: Iterable[int]) -> list[Appointment]:
    """The appointments, every session of their courses with them, their reminders locked."""
    ids = list(appointment_ids)
    courses = Appointment.objects.filter(pk__in=ids, course__isnull=False).values("course_id")
    related = Appointment.objects.filter(pk__in=ids) | Appointment.objects.filter(
        course_id__in=courses
    )
    # Lock the reminders first, so a worker sending one of them finishes before it moves.
    list(Reminder.objects.select_for_update().filter(appointment__in=related).values_list("pk"))
    return list(
        related.select_related(
            "clinic", "course", "practitioner__user", "patient__clinic"
        ).order_by("start", "id")
    )


def _last_of_courses(appointments: list[Appointment]) -> set[int]:
    """The last session of each course that still keeps its reminders: it carries the recall."""
    last: dict[int, Appointment] = {}
    for appointment in appointments:
        if appointment.course_id is None or appointment.status not in KEEPS_REMINDERS:
            continue
        held = last.get(appointment.course_id)
        if held is None or appointment.start > held.start:
            last[appointment.course_id] = appointment
    return {appointment.pk for appointment in last.values()}


def _reconcile(
    appointment: Appointment, wanted: list[PlannedReminder], now: dt.datetime
) -> list[Reminder]:
    """Bring the appointment's reminders to `wanted`; returns those created or changed."""
    existing = {(r.kind, r.key): r for r in Reminder.objects.filter(appointment=appointment)}
    preference = _preference(appointment.patient)
    tz = appointment.clinic.tzinfo
    changed = []
    for planned in wanted:
        due = leaves_at(planned.about_at, preference, tz)
        reminder = existing.pop((planned.kind, planned.key), None)
        if reminder is None:
            if due < now and not _still_useful(appointment, now):
                continue
            reminder = Reminder(
                clinic_id=appointment.clinic_id,
                patient_id=appointment.patient_id,
                appointment=appointment,
                kind=planned.kind,
                key=planned.key,
            )
        elif _unchanged(reminder, planned, due, preference.channel) or (
            reminder.status == ReminderStatus.SENT and reminder.about_at == planned.about_at
        ):
            continue
        reminder.about_at, reminder.due_at, reminder.text = planned.about_at, due, planned.text
        reminder.channel, reminder.status = preference.channel, ReminderStatus.SCHEDULED
        reminder.save()
        changed.append(reminder)
    for reminder in existing.values():
        if reminder.status == ReminderStatus.SCHEDULED:
            reminder.status = ReminderStatus.CANCELLED
            reminder.save(update_fields=["status"])
            changed.append(reminder)
    return changed


def _still_useful(appointment: Appointment, now: dt.datetime) -> bool:
    """A reminder whose moment passed is sent at once only while the appointment is to come."""
    return appointment.start > now


def _unchanged(
    reminder: Reminder, planned: PlannedReminder, due: dt.datetime, channel: str
) -> bool:
    return (reminder.due_at, reminder.text, reminder.channel) == (due, planned.text, channel) and (
        reminder.status != ReminderStatus.CANCELLED
    )


def _preference(patient: Patient) -> ReminderPreference:
    """The patient's channel and quiet hours (email, quiet 21:00–08:00 until they choose)."""
    found = ReminderPreference.objects.filter(patient=patient).first()
    return found or ReminderPreference(patient=patient)


def reminder_preference_save(
    *, patient: Patient, channel: str, quiet_from: dt.time, quiet_until: dt.time, by: User
) -> ReminderPreference:
    """Keep the patient's channel and quiet hours; their reminders to come follow them."""
    if channel not in Channel.values:
        raise ValueError(f"A reminder goes by {' or '.join(Channel.values)}, not {channel!r}.")
    if quiet_from == quiet_until:
        raise ValueError(QUIET_HOURS_EMPTY.format(start=quiet_from, end=quiet_until))
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.update_or_create(
            patient=patient,
            defaults={"channel": channel, "quiet_from": quiet_from, "quiet_until": quiet_until},
        )
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=patient,
            summary=f"reminders by {channel}, quiet {quiet_from:%H:%M}–{quiet_until:%H:%M}",
            patient_id=patient.pk,
        )
        to_come = Appointment.objects.filter(patient=patient, start__gt=timezone.now())
        reminders_sync(appointment_ids=to_come.values_list("pk", flat=True), by=by)
    return preference
