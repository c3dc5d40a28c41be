"""The doors to courses and practitioner feeds: every course is opened through its patient."""

from django.http import Http404
from django.utils.crypto import constant_time_compare

from mesoclinic.accounts.models import User
from mesoclinic.clinics.models import Practitioner, feed_token_digest
from mesoclinic.patients.access import LARGEST_ID, get_patient_for
from mesoclinic.scheduling.models import Appointment, Course

NO_COURSE = "No such course in your clinic."
NO_SESSION = "This course has no such session."
NO_APPOINTMENT = "No such appointment in your clinic."


def course_for(user: User, course_id: int, *, purpose: str = "course") -> Course:
    """The course `course_id` if `user` may see its patient, else 404; the read is audited."""
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise Http404(NO_COURSE)
    course.patient = get_patient_for(user, course.patient_id, purpose=purpose)
    return course


def appointment_for(user: User, appointment_id: int, *, purpose: str) -> Appointment:
    """The appointment if `user` may see its patient, else 404; the read is audited."""
    # Past 64 bits no row can match, and the database would refuse the number outright.
    if not 0 < appointment_id < LARGEST_ID:
        raise Http404(NO_APPOINTMENT)
    appointment = (
        Appointment.objects.filter(pk=appointment_id)
        .select_related("practitioner__user", "room", "clinic")
        .first()
    )
    if appointment is None:
        raise Http404(NO_APPOINTMENT)
    appointment.patient = get_patient_for(user, appointment.patient_id, purpose=purpose)
    return appointment


def session_of(course: Course, number: int) -> Appointment:
    """The active session `number` of `course`, or 404."""
    session = course.sessions.holding().filter(number=number).first()
    if session is None:
        raise Http404(NO_SESSION)
    session.course = course
    return session


def practitioner_for_feed(practitioner_id: int, token: str) -> Practitioner:
    """The practitioner whose feed this is, or 404: a wrong or replaced token, or someone gone."""
    practitioner = (
        Practitioner.objects.filter(pk=practitioner_id, active=True, user__is_active=True)
        .exclude(feed_token_digest="")
        .select_related("clinic")
        .first()
    )
    digest = feed_token_digest(token)
    if practitioner is None or not constant_time_compare(practitioner.feed_token_digest, digest):
        raise Http404("No such calendar feed.")
    return practitioner
