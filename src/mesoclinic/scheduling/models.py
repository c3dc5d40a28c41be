"""The calendar: courses of sessions and the appointments (consultations and sessions) in it."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models

from mesoclinic.clinics.models import Practitioner, Room

# No appointment lasts longer (product decision: a clinic's consultations and sessions take
# minutes or hours). The database refuses a longer one, so a time range read from the calendar
# bounds `start` from below too, and reads only the index entries of its days.
LONGEST_APPOINTMENT = timedelta(days=1)


class CourseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Course(models.Model):
    """A course of sessions for one patient, following one course template of one protocol."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="courses")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="courses"
    )
    protocol_id = models.CharField(max_length=40)
    protocol_version = models.CharField(max_length=40)
    template_id = models.CharField(max_length=60)
    areas = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    # The screening the booking stood on, kept as it was then: verdict and findings.
    verdict = models.CharField(max_length=20)
    findings = models.JSONField(default=list)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    # The treatment plan of a signed consultation the course follows (treatments, above the
    # calendar, holds it); a plain id so the calendar never depends on the clinical half.
    treatment_plan_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # A course booked without a consultation recommending it: the practitioner's reason.
    unplanned_reason = models.TextField(blank=True)
    unplanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unplanned_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.protocol_id}/{self.template_id} course for {self.patient}"


class AppointmentKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    SESSION = "session", "Session"


class AppointmentStatus(models.TextChoices):
    """The FHIR R4 Appointment statuses mesoclinic uses."""

    PROPOSED = "proposed", "Proposed"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "fulfilled", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "noshow", "No-show"


def what_of(number: int | None, kind: str) -> str:
    """What an appointment is, as lists name it: its session's number, or its kind."""
    return f"session {number}" if number else AppointmentKind(kind).label.lower()


# Appointments that hold their practitioner and room; the others have let them go.
ACTIVE_STATUSES = (AppointmentStatus.PROPOSED, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def holding(self) -> "AppointmentQuerySet":
        """Appointments that still hold their practitioner, room and patient."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, start: Any, end: Any) -> "AppointmentQuerySet":
        """Appointments overlapping [start, end): both bounds on `start`, so an index serves it."""
        return self.filter(start__lt=end, start__gt=start - LONGEST_APPOINTMENT, end__gt=start)


class Appointment(models.Model):
    """A consultation or a session: one patient, one practitioner, one room, one time (FHIR)."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="appointments"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each change of time, place or status a calendar should learn of adds one (iCalendar's
    # SEQUENCE), and says when (its LAST-MODIFIED).
    sequence = models.PositiveIntegerField(default=0, db_default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True, default="", db_default="")

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["practitioner", "start"]),
            models.Index(fields=["room", "start"]),
            models.Index(fields=["patient", "start"]),
            # The calendar's and the dashboards' time ranges across the clinic.
            models.Index(fields=["clinic", "start"], name="appointment_clinic_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end__lte=models.F("start") + LONGEST_APPOINTMENT),
                name="appointment_lasts_a_day_at_most",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M} {self.patient}"
