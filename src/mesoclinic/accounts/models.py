"""Clinics and the people who use mesoclinic, each with one role in one clinic."""

import datetime as dt
from typing import ClassVar, Self
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


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
    # Phone numbers typed without a country code are read as this country's (ISO 3166 alpha-2).
    country = models.CharField(
        max_length=2,
        default="GB",
        db_default="GB",
        help_text=(
            "Two letters (GB, RS, TR…): phone numbers typed without +country are this country's."
        ),
    )
    # A staff sign-in left this long without a request ends (shared computers at the desk).
    staff_idle_minutes = models.PositiveSmallIntegerField(
        "sign staff out after (minutes idle)",
        default=30,
        # Also the database's own default, so rows written by older code get it too.
        db_default=30,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    # An urgent side-effect report nobody acknowledged this long reaches every practitioner.
    urgent_escalation_minutes = models.PositiveSmallIntegerField(
        "escalate an unacknowledged urgent side effect after (minutes)",
        default=60,
        db_default=60,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
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
        return user_name(self.first_name, self.last_name, self.username)

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def sees_clinical_notes(self) -> bool:
        return self.role in CLINICAL_ROLES


def token_expiry() -> dt.datetime:
    """When a token made now expires unless told otherwise: in 90 days."""
    return timezone.now() + dt.timedelta(days=90)


class TokenScope(models.TextChoices):
    """What a script holding a token may do; a token carries one or more."""

    READ = "read", "Read patients and screenings"
    IMPORT = "import", "Import FHIR records"
    BOOK = "book", "Plan and book courses"
    STOCK = "stock", "Add products and receive or recall lots"
    CHART = "chart", "Chart and sign treatment sessions"


class ApiToken(models.Model):
    """A key a staff member's scripts send as `Authorization: Bearer …`; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # SHA-256 of the token: a stolen database does not hand out working keys.
    digest = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their tokens apart without the secret.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Comma-separated TokenScope values.
    scopes = models.CharField(max_length=60, default="read", db_default="read")
    expires_at = models.DateTimeField(default=token_expiry)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def scope_list(self) -> list[str]:
        return [scope for scope in self.scopes.split(",") if scope]

    def allows(self, scope: str) -> bool:
        return scope in self.scope_list


# Whoever does something: a signed-in user, a visitor, or the system itself (None).
Actor = User | AnonymousUser | None


def signed_in_user(actor: Actor) -> User | None:
    """`actor` if it is a signed-in user; None for the system (the command line) or a visitor."""
    return actor if actor is not None and actor.is_authenticated else None


class Throttle(models.Model):
    """Attempts counted under one key (an account, an address, or both) in the current window."""

    # SHA-256 of what is counted, so the table names no account or address in clear.
    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()
    # The earliest next attempt, when attempts past the limit wait longer and longer.
    next_allowed = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.attempts}"


def user_name(first_name: str, last_name: str, username: str) -> str:
    """A person's name as every page shows it: their full name, else their username."""
    return f"{first_name} {last_name}".strip() or username
