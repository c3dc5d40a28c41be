"""Moving a session of a course alone ("this one") or with the ones after it."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.courses import CourseTemplate, gap_window
from mesoclinic.clinical.planner import Gap, Placement, Preferences, earliest_course
from mesoclinic.scheduling.course_rules import gaps_from, session_minutes, template_named
from mesoclinic.scheduling.domain.booking import clinic_lock, overlap_refused, refuse_taken
from mesoclinic.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentStatus, Course
from mesoclinic.scheduling.queries import availability_for
from mesoclinic.scheduling.signals import appointments_changed

NOT_IN_A_COURSE = "{session} is not a session of a course; only a course's sessions move here."


class MoveRefused(Exception):
    """A session cannot move where asked; the message says why and where it could go."""


def session_move(
    *, session: Appointment, day: date, following: bool = False, by: User | None
) -> list[Appointment]:
    """Move a session to `day` alone ("this one") or with the later ones ("and the following")."""
    course, number = session.course, _number(session)
    if course is None:
        raise MoveRefused(NOT_IN_A_COURSE.format(session=session))
    _, template = template_named(f"{course.protocol_id}/{course.template_id}")
    # Sessions that took place count as neighbours too; cancelled ones and no-shows do not.
    gone = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    sessions = list(course.sessions.exclude(status__in=gone).order_by("number"))
    _refuse_past(session)
    later = [s for s in sessions if _number(s) >= number and s.status in ACTIVE_STATUSES]
    moving = later if following else [session]
    first_days = _move_window(session, sessions, day, template, following)
    minutes = session_minutes(template, course.areas)
    gaps = gaps_from(template, number, _number(moving[-1]))
    proposal = _replan(course, moving, first_days, gaps, minutes)
    with transaction.atomic():
        clinic_lock(patient=course.patient)
        refuse_taken(
            patient=course.patient,
            slots=[p.slot for p in proposal.sessions],
            ignoring=[s.pk for s in moving],
        )
        _apply_move(moving, proposal)
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=course,
            patient_id=course.patient_id,
            summary=_moved_summary(moving, following),
        )
        # The whole course: a moved last session moves the course's maintenance recall too.
        appointments_changed.send(sender=Course, appointment_ids=[s.pk for s in sessions], by=by)
    return moving


def _number(session: Appointment) -> int:
    """The session's place in its course."""
    if session.number is None:
        raise MoveRefused(NOT_IN_A_COURSE.format(session=session))
    return session.number


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
    number = _number(session)
    earliest, latest = day, day
    by_number = {s.number: s.start.astimezone(tz).date() for s in sessions}
    before = by_number.get(number - 1)
    if before is not None:
        low, high = gap_window(template, number)
        earliest, latest = before + timedelta(days=low), before + timedelta(days=high)
    after = None if following else by_number.get(number + 1)
    if after is not None:
        low, high = gap_window(template, number + 1)
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
) -> Placement:
    """Plan the moving sessions again, keeping their practitioner when possible."""
    last = days[1] + timedelta(days=sum(g.max_days for g in gaps))
    availability = availability_for(
        course.clinic, course.patient_id, (days[0], last), ignoring=[s.pk for s in moving]
    )
    first = _number(moving[0])
    kept = Preferences(practitioner_id=moving[0].practitioner_id)
    proposal = earliest_course(availability, gaps, minutes, days, kept, first_number=first)
    if not proposal.complete:
        proposal = earliest_course(
            availability, gaps, minutes, days, Preferences(), first_number=first
        )
    if not proposal.complete:
        raise MoveRefused(
            "; ".join(f"Session {u.number}: {u.reason}" for u in proposal.unplaced) + "."
        )
    return proposal


def _apply_move(moving: list[Appointment], proposal: Placement) -> None:
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
            overlap_refused(error=error, slot=placed.slot)
            raise


def _moved_summary(moving: list[Appointment], following: bool) -> str:
    what = "and the following" if following else "alone"
    times = ", ".join(f"{s.number}: {s.start:%Y-%m-%d %H:%M}" for s in moving)
    return f"moved session {moving[0].number} {what} to {times}"
