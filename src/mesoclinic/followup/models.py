"""Reminders, each delivered once, the patient's channel and quiet hours, side-effect reports."""

import datetime as dt

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class ReminderPreference(models.Model):
    """How a patient wants reminders: by email or text, never during their quiet hours."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminder_preference"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # Quiet from `quiet_from` until `quiet_until` the next morning, in the clinic's time zone.
    quiet_from = models.TimeField(default=dt.time(21))
    quiet_until = models.TimeField(default=dt.time(8))

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()}, quiet {self.quiet_from:%H:%M}–{self.quiet_until:%H:%M}"
        )


class ReminderKind(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment reminder"
    PREPARATION = "preparation", "Preparation step"
    AFTERCARE = "aftercare", "Aftercare"
    CHECK_IN = "check-in", "Check-in"
    RECALL = "recall", "Maintenance recall"


class ReminderStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    # Handed to the outbox: its message row says whether it left or is being retried.
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


class Reminder(models.Model):
    """One reminder of one appointment, due at one instant; the database keeps it one."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminders"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # Which one of its kind: the preparation rule, the check-in day ("day-14"); "" when alone.
    key = models.CharField(max_length=60, blank=True)
    # The instant the reminder is about (a step's start), and when it leaves, quiet hours kept.
    about_at = models.DateTimeField()
    due_at = models.DateTimeField()
    text = models.TextField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "key"], name="reminder_one_per_step"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def outbox_key(self) -> str:
        """The key of its one message in the outbox."""
        return f"reminder-{self.pk}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSESSED = "assessed", "Assessed"
    CLOSED = "closed", "Closed"


class SideEffectReport(models.Model):
    """A side effect a patient reports (or staff take down on the phone), and its follow-up."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="side_effect_reports"
    )
    # The session it follows, whose practitioner is the treating one.
    session = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    effect = models.CharField(max_length=30)
    area = models.CharField(max_length=60)
    started_on = models.DateField()
    severity = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    # Paths under MEDIA_ROOT of a JPEG re-encoded without its EXIF data (place, time, device)
    # and its thumbnail, kept and served as session photos are; never a static file.
    photo = models.CharField(max_length=200, blank=True)
    photo_thumbnail = models.CharField(max_length=200, blank=True)
    triage = models.CharField(max_length=10)
    triage_reason = models.CharField(max_length=200)
    passes_by = models.DateField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField()
    status = models.CharField(
        max_length=15, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    assessment = models.TextField(blank=True)
    advice = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The consultation booked from the report to see the patient.
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Urgent and still unacknowledged after the clinic's time: every practitioner was told.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["clinic", "status", "triage"], name="report_inbox")]

    def __str__(self) -> str:
        return f"{self.effect} ({self.area}) from {self.started_on:%d %b %Y}"

    @property
    def has_photo(self) -> bool:
        return bool(self.photo)
