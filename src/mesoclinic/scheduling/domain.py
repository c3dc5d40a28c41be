"""Changes to the clinic's rooms, practitioners and hours; one transaction each, audited."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from mesoclinic.accounts.domain import account_invite
from mesoclinic.accounts.models import Clinic, User, signed_in_user
from mesoclinic.audit.domain import audit_record, save_form_audited
from mesoclinic.audit.models import Action
from mesoclinic.clinical.courses import CourseTemplate, gap_window
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.course_rules import gaps_from, session_minutes, template_named
from mesoclinic.scheduling.gate import NOT_BOOKABLE, booking_gate
from mesoclinic.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ClinicClosure,
    Course,
    CourseStatus,
    Practitioner,
    Room,
)
from mesoclinic.scheduling.planner import Gap, Preferences, Proposal, Slot, plan_course
from mesoclinic.scheduling.plans import CoursePlan
from mesoclinic.scheduling.queries import availability_for, consultation_availability
from mesoclinic.scheduling.slots import (
    CONSULTATION_MINUTES,
    SEARCH_DAYS,
    open_slots,
    slot_at,
    taken_by,
)


@transaction.atomic
def room_save(form: Any, by: User) -> Room:
    """Create or change a room."""
    room: Room = save_form_audited(form, by)
    return room


def practitioner_save(
    user_form: Any, practitioner_form: Any, hours: Any, by: User, request: HttpRequest
) -> Practitioner:
    """Create or change a practitioner with their account and working hours, all or nothing."""
    with transaction.atomic():
        adding = user_form.instance._state.adding
        if adding:
            user_form.instance.set_unusable_password()
        user = save_form_audited(user_form, by)
        practitioner_form.instance.user = user
        practitioner_form.instance.clinic = user.clinic
        practitioner: Practitioner = save_form_audited(practitioner_form, by)
        hours.instance = practitioner
        hours_save(hours, by, practitioner)
    if adding:
        account_invite(user, request)
    return practitioner


def hours_save(formset: Any, by: User, owner: Any) -> None:
    """Save a formset of opening or working hours and audit the change on its owner."""
    formset.save()
    if formset.has_changed():
        audit_record(by, Action.UPDATE, owner, summary=f"hours of {owner}")


@transaction.atomic
def opening_hours_save(formset: Any, by: User) -> None:
    """Replace the clinic's opening hours."""
    hours_save(formset, by, formset.instance)


@transaction.atomic
def closure_add(form: Any, by: User) -> ClinicClosure:
    """Close the clinic on one day."""
    closure: ClinicClosure = save_form_audited(form, by)
    return closure


@transaction.atomic
def closure_remove(closure: ClinicClosure, by: User) -> None:
    """Open the clinic again on a day it was closed."""
    audit_record(by, Action.DELETE, closure, summary=f"open again on {closure.day}")
    closure.delete()


# Courses and their sessions -------------------------------------------------------------------

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


class CourseIncomplete(Exception):
    """Some sessions of the plan could not be placed, so the course cannot be booked."""


class MoveRefused(Exception):
    """A session cannot move where asked; the message says why and where it could go."""


def course_book(plan: CoursePlan, by: Any, override_reason: str = "") -> Course:
    """Book every session of `plan` in one transaction, or none; audited."""
    proposal = plan.proposal
    if not proposal.complete:
        numbers = ", ".join(str(u.number) for u in proposal.unplaced)
        raise CourseIncomplete(f"Sessions {numbers} could not be placed. {NOTHING_BOOKED}")
    first = proposal.sessions[0].slot.start.date()
    gate = booking_gate(plan.patient, plan.protocol.id, first, by, override_reason)
    with transaction.atomic():
        _lock(plan.patient)
        slots = [p.slot for p in proposal.sessions]
        _refuse_taken(plan.patient, slots, ignoring=())
        course = Course.objects.create(
            clinic=plan.patient.clinic,
            patient=plan.patient,
            protocol_id=plan.protocol.id,
            protocol_version=str(plan.protocol.version),
            template_id=plan.template.id,
            areas=list(plan.areas),
            status=CourseStatus.PLANNED,
            verdict=gate.verdict,
            findings=gate.findings,
            override_reason=override_reason.strip() if gate.overridden else "",
            override_by=by if gate.overridden else None,
            override_at=timezone.now() if gate.overridden else None,
            created_by=signed_in_user(by),
        )
        for placed in proposal.sessions:
            _insert_appointment(
                course.patient,
                placed.slot,
                by,
                NOTHING_BOOKED,
                kind=AppointmentKind.SESSION,
                course=course,
                number=placed.number,
            )
        audit_record(
            by,
            Action.CREATE,
            course,
            summary=_booked_summary(course, slots),
            patient_id=plan.patient.pk,
        )
    return course


def _booked_summary(course: Course, slots: list[Slot]) -> str:
    summary = (
        f"booked {len(slots)} sessions of {course.protocol_id}/{course.template_id} "
        f"from {slots[0].start:%Y-%m-%d %H:%M}"
    )
    if course.override_reason:
        summary += f"; over a contraindication: {course.override_reason}"
    return summary


def _lock(patient: Patient) -> None:
    """Take the clinic's booking lock, so bookings in one clinic wait for each other."""
    # The check after it then sees every earlier booking and racing bookings never deadlock in
    # the exclusion constraints, which stay as the last guard; SQLite's IMMEDIATE transaction
    # already holds the write lock.
    list(Clinic.objects.select_for_update().filter(pk=patient.clinic_id).values_list("pk"))


def _insert_appointment(
    patient: Patient, slot: Slot, by: Any, advice: str, **kind: Any
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
        _raise_taken(error, slot, advice)
        raise


def _raise_taken(error: IntegrityError, slot: Slot, advice: str = NOTHING_BOOKED) -> None:
    """Raise the database's own refusal (PostgreSQL exclusion constraints) as SlotTaken."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
    if constraint == "appointment_practitioner_no_overlap":
        raise SlotTaken(slot.practitioner.name, slot.start, slot.end, advice) from error
    if constraint == "appointment_room_no_overlap":
        raise SlotTaken(slot.room.name, slot.start, slot.end, advice) from error


def _refuse_taken(patient: Patient, slots: list[Slot], ignoring: Iterable[int]) -> None:
    """Raise SlotTaken when an active appointment holds a slot's practitioner, room or patient."""
    overlap = Q(pk__in=[])
    for slot in slots:
        who = Q(practitioner_id=slot.practitioner.id) | Q(room_id=slot.room.id) | Q(patient=patient)
        overlap |= Q(start__lt=slot.end, end__gt=slot.start) & who
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


def course_cancel(course: Course, by: Any) -> int:
    """Cancel `course` and free all its future sessions; returns how many were freed."""
    with transaction.atomic():
        future = course.sessions.holding().filter(start__gte=timezone.now())
        freed = future.update(status=AppointmentStatus.CANCELLED)
        course.status = CourseStatus.CANCELLED
        course.save(update_fields=["status"])
        audit_record(
            by,
            Action.UPDATE,
            course,
            summary=f"cancelled; {freed} future sessions freed",
            patient_id=course.patient_id,
        )
    return freed


def session_move(
    session: Appointment, day: date, by: Any, *, following: bool = False
) -> list[Appointment]:
    """Move a session to `day` alone ("this one") or with the later ones ("and the following")."""
    course = session.course
    _, template = template_named(f"{course.protocol_id}/{course.template_id}")
    # Sessions that took place count as neighbours too; cancelled ones and no-shows do not.
    gone = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    sessions = list(course.sessions.exclude(status__in=gone).order_by("number"))
    _refuse_past(session)
    later = [s for s in sessions if s.number >= session.number and s.status in ACTIVE_STATUSES]
    moving = later if following else [session]
    first_days = _move_window(session, sessions, day, template, following)
    minutes = session_minutes(template, course.areas)
    gaps = gaps_from(template, session.number, moving[-1].number)
    proposal = _replan(course, moving, first_days, gaps, minutes)
    with transaction.atomic():
        _lock(course.patient)
        _refuse_taken(
            course.patient, [p.slot for p in proposal.sessions], ignoring=[s.pk for s in moving]
        )
        _apply_move(moving, proposal)
        audit_record(
            by,
            Action.UPDATE,
            course,
            patient_id=course.patient_id,
            summary=_moved_summary(moving, following),
        )
    return moving


def _refuse_past(session: Appointment) -> None:
    if session.start <= timezone.now():
        raise MoveRefused(f"Session {session.number} has already begun; it cannot move.")


def _move_window(
    session: Appointment,
    sessions: list[Appointment],
    day: date,
    template: CourseTemplate,
    following: bool,
) -> tuple[date, date]:
    """The days the neighbours allow; when the later ones move too, the one before only."""
    tz = session.clinic.tzinfo
    earliest, latest = day, day
    by_number = {s.number: s.start.astimezone(tz).date() for s in sessions}
    before = by_number.get(session.number - 1)
    if before is not None:
        low, high = gap_window(template, session.number)
        earliest, latest = before + timedelta(days=low), before + timedelta(days=high)
    after = None if following else by_number.get(session.number + 1)
    if after is not None:
        low, high = gap_window(template, session.number + 1)
        earliest, latest = (
            max(earliest, after - timedelta(days=high)),
            min(latest, after - timedelta(days=low)),
        )
    if not earliest <= day <= latest:
        raise MoveRefused(
            f"Session {session.number} must fall between {earliest:%a %d %b %Y} and "
            f"{latest:%a %d %b %Y} "
            "to keep the course's intervals; choose a day in that range"
            + ("" if following else ", or move this and the following sessions")
            + "."
        )
    return day, day


def _replan(
    course: Course,
    moving: list[Appointment],
    days: tuple[date, date],
    gaps: tuple[Gap, ...],
    minutes: int,
) -> Proposal:
    """Plan the moving sessions again, keeping their practitioner when possible."""
    last = days[1] + timedelta(days=sum(g.max_days for g in gaps))
    availability = availability_for(
        course.clinic, course.patient_id, (days[0], last), ignoring=[s.pk for s in moving]
    )
    first = moving[0].number
    kept = Preferences(practitioner_id=moving[0].practitioner_id)
    proposal = plan_course(availability, gaps, minutes, days, kept, first_number=first)
    if not proposal.complete:
        proposal = plan_course(availability, gaps, minutes, days, Preferences(), first_number=first)
    if not proposal.complete:
        raise MoveRefused(
            "; ".join(f"Session {u.number}: {u.reason}" for u in proposal.unplaced) + "."
        )
    return proposal


def _apply_move(moving: list[Appointment], proposal: Proposal) -> None:
    """Write the new times; set aside first so no session clashes with its own old time."""
    statuses = {s.pk: s.status for s in moving}
    Appointment.objects.filter(pk__in=statuses).update(status=AppointmentStatus.CANCELLED)
    for session, placed in zip(moving, proposal.sessions, strict=True):
        session.start, session.end = placed.slot.start, placed.slot.end
        session.practitioner_id, session.room_id = placed.slot.practitioner.id, placed.slot.room.id
        session.status = statuses[session.pk]
        try:
            with transaction.atomic():
                session.save(update_fields=["start", "end", "practitioner", "room", "status"])
        except IntegrityError as error:
            _raise_taken(error, placed.slot)
            raise


def _moved_summary(moving: list[Appointment], following: bool) -> str:
    what = "and the following" if following else "alone"
    times = ", ".join(f"{s.number}: {s.start:%Y-%m-%d %H:%M}" for s in moving)
    return f"moved session {moving[0].number} {what} to {times}"


# Single appointments: consultations, arrivals, no-shows, cancellations -----------------------

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
SESSION_CANCEL = (
    "A session of a course is cancelled with its course or moved from the course page, not alone."
)
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
    patient: Patient,
    practitioner: Practitioner | None,
    start: datetime | None,
    by: Any,
    *,
    from_day: date | None = None,
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
        _lock(patient)
        slot = _consultation_slot(patient, practitioner, start, from_day, now)
        appointment = _insert_appointment(
            patient, slot, by, CHOOSE_ANOTHER, kind=AppointmentKind.CONSULTATION
        )
        audit_record(
            by,
            Action.CREATE,
            appointment,
            summary=f"booked a consultation on {slot.start:%Y-%m-%d %H:%M} with "
            f"{slot.practitioner.name} in {slot.room.name}",
            patient_id=patient.pk,
        )
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


def appointment_set_status(appointment: Appointment, status: str, by: Any) -> Appointment:
    """Cancel `appointment`, or mark its patient arrived or absent (no-show); audited."""
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        _refuse_status(current, status, timezone.now())
        before = current.get_status_display().lower()
        current.status = status
        current.save(update_fields=["status"])
        local = current.start.astimezone(current.clinic.tzinfo)
        audit_record(
            by,
            Action.UPDATE,
            current,
            summary=f"{current.get_kind_display().lower()} of {local:%Y-%m-%d %H:%M}: "
            f"{before} → {current.get_status_display().lower()}",
            patient_id=current.patient_id,
        )
    return current


def _refuse_status(appointment: Appointment, status: str, now: datetime) -> None:
    """Raise AppointmentRefused unless `appointment` may take `status` now."""
    local = appointment.start.astimezone(appointment.clinic.tzinfo)
    if status not in STATUS_CHOICES:
        raise AppointmentRefused(NOT_A_CHANGE.format(to=status))
    if appointment.status != AppointmentStatus.BOOKED:
        raise AppointmentRefused(
            ONLY_BOOKED.format(status=appointment.get_status_display().lower())
        )
    if status == AppointmentStatus.CANCELLED and appointment.course_id is not None:
        raise AppointmentRefused(SESSION_CANCEL)
    if status == AppointmentStatus.CANCELLED and appointment.start <= now:
        raise AppointmentRefused(BEGUN.format(start=local))
    if status == AppointmentStatus.ARRIVED and local.date() != now.astimezone(local.tzinfo).date():
        raise AppointmentRefused(ARRIVED_ON_THE_DAY.format(day=local))
    if status == AppointmentStatus.NO_SHOW and appointment.start > now:
        raise AppointmentRefused(NO_SHOW_AFTER_START.format(start=local))


def status_changes(appointment: Appointment, now: datetime) -> list[str]:
    """The statuses `appointment` may take now, for the buttons a page offers."""
    allowed = []
    for status in STATUS_CHOICES:
        try:
            _refuse_status(appointment, status, now)
        except AppointmentRefused:
            continue
        allowed.append(status.value)
    return allowed
