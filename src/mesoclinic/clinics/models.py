"""The clinic's set-up: rooms, practitioners, opening and working hours, and closed days."""

import hashlib
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Room(models.Model):
    """A treatment or consultation room; a session needs one to itself."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    # A consultation room has no couch or sterile trolley: sessions are never booked into it.
    for_sessions = models.BooleanField(
        "treatment sessions",
        default=True,
        help_text="Treatment sessions may be booked here; untick for a consultation-only room.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="room_name_unique_in_clinic")
        ]

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    NURSE = "nurse", "Nurse injector"


def feed_token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a calendar feed's secret is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class Practitioner(models.Model):
    """A doctor or nurse who consults and treats; signs in as a practitioner user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner"
    )
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="practitioners"
    )
    profession = models.CharField(max_length=20, choices=Profession.choices)
    registration_number = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)
    # SHA-256 of the secret in the practitioner's calendar feed address; empty: no feed.
    feed_token_digest = models.CharField(
        max_length=64, blank=True, editable=False, default="", db_default=""
    )
    feed_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)


class HoursMixin(models.Model):
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        abstract = True
        ordering = ["weekday", "starts"]

    def clean(self) -> None:
        if self.starts is not None and self.ends is not None and self.starts >= self.ends:
            raise ValidationError({"ends": "Closing time must be after opening time."})


class OpeningHours(HoursMixin):
    """When the clinic is open on one weekday; several rows make a split day."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="opening_hours"
    )

    class Meta(HoursMixin.Meta):
        verbose_name_plural = "opening hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class WorkingHours(HoursMixin):
    """When one practitioner works on one weekday."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="working_hours"
    )

    class Meta(HoursMixin.Meta):
        verbose_name_plural = "working hours"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


# Either kind of weekly hours, for code that handles both the same way.
Hours = TypeVar("Hours", OpeningHours, WorkingHours)


class ClinicClosure(models.Model):
    """A day the clinic is closed although its opening hours say otherwise: a holiday."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.CASCADE, related_name="closures")
    day = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "day"], name="closure_unique_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day:%a %d %b %Y} {self.reason}".strip()
