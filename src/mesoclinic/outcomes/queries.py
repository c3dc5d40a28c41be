"""Reads for outcomes: a patient's courses and their scores, and the patients due for recall."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from mesoclinic.accounts.models import User
from mesoclinic.followup.models import Reminder, ReminderKind, ReminderStatus
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Course,
    CourseStatus,
)
from mesoclinic.treatments.models import Consent, PhotoView, SessionPhoto


def completed_courses(patient: Patient) -> QuerySet[Course]:
    """The patient's completed courses, latest first, with their course-level scores."""
    return patient.courses.filter(status=CourseStatus.COMPLETED).order_by("-created_at", "-pk")


def course_scores(course: Course) -> dict[str, GaisScore]:
    """The course's own scores (not a session's), by rater."""
    scores = GaisScore.objects.filter(course=course, session__isnull=True)
    return {score.rater: score for score in scores}


def session_scores(course: Course) -> list[GaisScore]:
    """The scores given after single sessions of the course, in session order."""
    scores = GaisScore.objects.filter(course=course, session__isnull=False)
    return list(scores.select_related("session").order_by("session__start", "rater"))


def scores_by_course(patient: Patient, rater: str) -> dict[int, GaisScore]:
    """The patient's course-level scores from `rater`, by course id, in one query."""
    scores = GaisScore.objects.filter(patient=patient, rater=rater, session__isnull=True)
    return {score.course_id: score for score in scores}


def recalls_due(user: User, now: dt.datetime) -> QuerySet[Reminder]:
    """Maintenance recalls of `user`'s clinic whose time came, for patients not booked since."""
    booked_since = Appointment.objects.filter(
        patient_id=OuterRef("patient_id"),
        start__gt=OuterRef("appointment__start"),
        status__in=(*ACTIVE_STATUSES, AppointmentStatus.COMPLETED),
    )
    return (
        Reminder.objects.filter(
            clinic_id=user.clinic_id,
            kind=ReminderKind.RECALL,
            status__in=(ReminderStatus.SCHEDULED, ReminderStatus.SENT),
            about_at__lte=now,
        )
        .filter(~Exists(booked_since))
        .select_related("patient", "appointment__course", "appointment__practitioner__user")
        .order_by("about_at", "pk")
    )


@dataclass(frozen=True)
class Pair:
    """One standard view's first and latest photos, and the sessions taken between them."""

    view: str
    label: str
    first: SessionPhoto
    latest: SessionPhoto
    sessions_between: int
    protocols: str


def before_after(patient: Patient) -> list[Pair]:
    """Each standard view's first and latest photos of the patient, where the newest consent of
    the photo's course allows photos (as `treatments.access.photo_for` serves them)."""
    photos = list(
        SessionPhoto.objects.filter(patient=patient)
        .select_related("session__appointment")
        .order_by("taken_at", "pk")
    )
    courses = {photo.session.appointment.course_id for photo in photos}
    allowed: dict[int | None, bool] = {}
    consents = Consent.objects.filter(course_id__in=courses).order_by("-signed_at", "-pk")
    for course_id, photos_allowed in consents.values_list("course_id", "photos_allowed"):
        allowed.setdefault(course_id, photos_allowed)
    shown = [p for p in photos if allowed.get(p.session.appointment.course_id, False)]
    taken = Appointment.objects.filter(
        patient=patient, kind=AppointmentKind.SESSION, status=AppointmentStatus.COMPLETED
    ).values_list("start", "course__protocol_id")
    sessions = list(taken)
    pairs = []
    for view, label in PhotoView.choices:
        of_view = [p for p in shown if p.view == view]
        if len(of_view) < 2:
            continue
        first, latest = of_view[0], of_view[-1]
        since, until = first.session.appointment.start, latest.session.appointment.start
        between = [protocol for start, protocol in sessions if since <= start <= until]
        protocols = ", ".join(sorted({p for p in between if p}))
        pairs.append(Pair(view, label, first, latest, len(between), protocols))
    return pairs
