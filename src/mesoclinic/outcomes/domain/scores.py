"""Recording a GAIS score of a completed course, or of one session that took place.

SPEC.md (outcomes): GAIS, 1 very much improved … 5 worse, from the practitioner and from the
patient two weeks after the last session (001: "The first effects are visible within two
weeks"), and, a product decision, optionally after any session. A score is given once and kept.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.outcomes.models import Gais, GaisScore, Rater
from mesoclinic.scheduling.models import Appointment, AppointmentStatus, Course, CourseStatus

NOT_A_SCORE = "A GAIS score is 1 (very much improved) to 5 (worse), not {score!r}."
NOT_COMPLETED = "The course is {status}: it is scored once its last session is signed."
NOT_TAKEN_PLACE = "Session {number} has not taken place: it is scored once it has."
NOT_OF_COURSE = "That session belongs to another course."
NOT_A_RATER = "Only the patient and clinical staff score a course, not {role}."
NOT_THEIR_COURSE = "A patient scores only their own course."
ALREADY = "The {rater} already scored {what}: a score is kept as given."


class ScoreRefused(ValueError):
    """A score the rules refuse, with the reason to show."""


def _rater_of(user: User) -> Rater:
    """Whose view a score from `user` gives: the patient's or the practitioner's."""
    if user.role == Role.PATIENT:
        return Rater.PATIENT
    if user.role in (Role.PRACTITIONER, Role.ADMIN):
        return Rater.PRACTITIONER
    raise ScoreRefused(NOT_A_RATER.format(role=user.get_role_display().lower()))


def _last_session(course: Course) -> Appointment | None:
    """The course's last session that took place: its practitioner treated the course."""
    taken = course.sessions.filter(status=AppointmentStatus.COMPLETED)
    return taken.order_by("-start", "-pk").first()


def gais_record(
    *, course: Course, score: int, by: User, session: Appointment | None = None
) -> GaisScore:
    """Keep `by`'s GAIS score of `course` (or of one of its sessions that took place)."""
    if score not in Gais.values:
        raise ScoreRefused(NOT_A_SCORE.format(score=score))
    rater = _rater_of(by)
    if rater == Rater.PATIENT and course.patient.user_id != by.pk:
        raise ScoreRefused(NOT_THEIR_COURSE)
    if session is None and course.status != CourseStatus.COMPLETED:
        raise ScoreRefused(NOT_COMPLETED.format(status=course.get_status_display().lower()))
    if session is not None and session.course_id != course.pk:
        raise ScoreRefused(NOT_OF_COURSE)
    if session is not None and session.status != AppointmentStatus.COMPLETED:
        raise ScoreRefused(NOT_TAKEN_PLACE.format(number=session.number))
    what = f"session {session.number}" if session is not None else "the course"
    treated = session or _last_session(course)
    try:
        with transaction.atomic():
            made = GaisScore.objects.create(
                clinic_id=course.clinic_id,
                patient_id=course.patient_id,
                course=course,
                session=session,
                practitioner_id=treated.practitioner_id if treated else None,
                rater=rater,
                score=score,
                recorded_by=by,
                recorded_at=timezone.now(),
            )
            audit_record(
                by=by,
                action=Action.CREATE,
                obj=made,
                summary=f"GAIS {score} of {what} by the {rater}",
                patient_id=course.patient_id,
            )
    except IntegrityError:
        raise ScoreRefused(ALREADY.format(rater=rater.label.lower(), what=what)) from None
    return made
