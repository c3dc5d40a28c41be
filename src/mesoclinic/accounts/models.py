"""Clinics and the people who use mesoclinic, each with one role in one clinic."""

from typing import ClassVar, Self
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models


def validate_timezone(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError(f"{name!r} is not a time zone name such as Europe/London.")


class Clinic(models.Model):
    """One clinic; every record in mesoclinic belongs to exactly one."""

    name = models.CharField(max_length=120)
    address = models.CharField(max_length=250, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    timezone = models.CharField(
        max_length=60, default="Europe/London", validators=[validate_timezone]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Role(models.TextChoices):
    ADMIN = "admin", "Clinic admin"
    PRACTITIONER = "practitioner", "Practitioner"
    RECEPTION = "reception", "Reception"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset({Role.ADMIN, Role.PRACTITIONER, Role.RECEPTION})
# Who may read clinical notes and history: reception books and phones, but does not treat.
CLINICAL_ROLES = frozenset({Role.ADMIN, Role.PRACTITIONER})


class User(AbstractUser):
    """A person who signs in: staff of one clinic, or a patient of one clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices)

    REQUIRED_FIELDS = ["email"]
    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_clinical_notes(self) -> bool:
        return self.role in CLINICAL_ROLES


class ApiToken(models.Model):
    """A key a staff member's scripts send as `Authorization: Bearer …`; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # SHA-256 of the token: a stolen database does not hand out working keys.
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their tokens apart without the secret.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


# Whoever does something: a signed-in user, a visitor, or the system itself (None).
Actor = User | AnonymousUser | None


def signed_in_user(actor: Actor) -> User | None:
    """`actor` if it is a signed-in user; None for the system (the command line) or a visitor."""
    return actor if actor is not None and actor.is_authenticated else None
