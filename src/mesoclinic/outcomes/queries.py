"""Reads for outcomes: a patient's courses and their scores, and the patients due for recall."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from mesoclinic.accounts.models import User
from mesoclinic.followup.models import Reminder, ReminderKind, ReminderStatus
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Course,
    CourseStatus,
)


def completed_courses(patient: Patient) -> QuerySet[Course]:
    """The patient's completed courses, latest first, with their course-level scores."""
    return patient.courses.filter(status=CourseStatus.COMPLETED).order_by("-created_at", "-pk")


def course_scores(course: Course) -> dict[str, GaisScore]:
    """The course's own scores (not a session's), by rater."""
    scores = GaisScore.objects.filter(course=course, session__isnull=True)
    return {score.rater: score for score in scores}


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
