"""The patient record: who the patient is, and their coded history, shaped like FHIR R4."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


SEARCH_KEYS = ("family_key", "given_key", "phone_key")


def search_index(key: str) -> models.Index:
    """An index that answers "this clinic's patients whose `key` begins with ...".

    PostgreSQL needs the pattern operator class to serve LIKE 'abc%' from an index; SQLite
    ignores operator classes and answers the same search as a range over the plain index.
    """
    return models.Index(
        fields=["clinic", key],
        name=f"patient_{key}_search",
        opclasses=["int8_ops", "varchar_pattern_ops"],
    )


class PatientQuerySet(models.QuerySet["Patient"]):
    def bulk_create(self, objs: Iterable["Patient"], *args: Any, **kwargs: Any) -> list["Patient"]:
        """Create many patients at once; bulk creation skips save(), so fill the keys here."""
        objs = list(objs)
        for patient in objs:
            fill_search_keys(patient)
        return super().bulk_create(objs, *args, **kwargs)


class Patient(models.Model):
    """A person treated by one clinic, with an optional portal account (FHIR Patient)."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
    )
    # The id the record had in the system it was imported from, or the one we export it under.
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=250, blank=True)
    deceased = models.BooleanField(default=False)
    deceased_at = models.DateTimeField(null=True, blank=True)
    guardian_name = models.CharField(max_length=150, blank=True)
    guardian_phone = models.CharField(max_length=40, blank=True)
    # Search keys kept beside the names so a prefix search is answered from an index.
    family_key = models.CharField(max_length=100, blank=True, editable=False)
    given_key = models.CharField(max_length=100, blank=True, editable=False)
    phone_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "family_name", "given_name"]),
            models.Index(fields=["clinic", "birth_date"]),
            *(search_index(key) for key in SEARCH_KEYS),
            # The patient list in name order, a page at a time from where the last one ended.
            models.Index(fields=["clinic", "family_key", "given_key", "id"], name="patient_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "fhir_id"],
                condition=~models.Q(fhir_id=""),
                name="patient_fhir_id_unique_in_clinic",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        fill_search_keys(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *SEARCH_KEYS}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return full_name(self.given_name, self.family_name)


def full_name(given_name: str, family_name: str) -> str:
    """A patient's name as every page shows it."""
    return f"{given_name} {family_name}".strip()


def fill_search_keys(patient: Patient) -> None:
    """Derive the search keys from the names and the phone number."""
    patient.family_key = search_key(patient.family_name)
    patient.given_key = search_key(patient.given_name)
    patient.phone_key = phone_key(patient.phone)


# Latin letters whose accent Unicode does not split off: "Łukasz" is found as "lukasz".
UNDECOMPOSED_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def search_key(name: str) -> str:
    """A name as search compares it, in any script: case-folded, no accents, words only.

    "Zoë-Ann" is "zoe ann", "STRAßE" is "strasse", "Иван" is "иван", "王芳" stays "王芳". Python
    computes it, so SQLite and PostgreSQL compare the very same keys.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.translate(UNDECOMPOSED_LETTERS)
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", plain)).split())


def phone_key(phone: str) -> str:
    """A phone number as search compares it: its digits only."""
    return re.sub(r"\D", "", phone)


class PatientIdentifier(models.Model):
    """An identifier from another system: a national number, a medical record number (FHIR)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="identifiers")
    system = models.CharField(max_length=200)
    value = models.CharField(max_length=100)
    type_text = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "system", "value"], name="identifier_unique_per_patient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type_text or self.system}: {self.value}"


class EnteredBy(models.TextChoices):
    STAFF = "staff", "Staff"
    PATIENT = "patient", "Patient"
    IMPORT = "import", "Imported"


def coding_list(value: Any) -> None:
    """Refuse anything but a list of {"system", "code", "display"} codings, each with a code."""
    fields = {"system", "code", "display"}
    if not isinstance(value, list) or not all(
        isinstance(c, dict) and set(c) <= fields and c.get("code") for c in value
    ):
        raise ValidationError('Codings must be a list of {"system", "code", "display"}.')


class HistoryEntry(models.Model):
    """What every history entry has: its codes or free text, and provenance.

    `codings` keeps every coding of the FHIR CodeableConcept, in order; the first is also kept as
    (code_system, code, code_display), which the pages search and show.
    """

    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)
    code_system = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=64, blank=True)
    code_display = models.CharField(max_length=300, blank=True)
    codings = models.JSONField(default=list, blank=True, validators=[coding_list])
    text = models.CharField(max_length=300, blank=True, help_text="Free text, as entered")
    entered_by = models.CharField(max_length=10, choices=EnteredBy.choices, default=EnteredBy.STAFF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Patient-entered data waits for a practitioner's confirmation before it is trusted.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        indexes = [
            # The few entries waiting for a practitioner ("awaiting confirmation" on the
            # dashboard), found without reading the many confirmed or staff-entered ones.
            models.Index(
                fields=["patient"],
                condition=models.Q(entered_by="patient", confirmed_at__isnull=True),
                name="%(class)s_awaiting",
            )
        ]

    def __str__(self) -> str:
        return self.code_display or self.text or self.code

    @property
    def label(self) -> str:
        return str(self)

    @property
    def awaiting_confirmation(self) -> bool:
        """Whether the patient entered this and no practitioner has confirmed it yet."""
        return self.entered_by == EnteredBy.PATIENT and self.confirmed_at is None

    @property
    def all_codings(self) -> list[dict[str, str]]:
        """Every coding of the entry; an entry saved before codings were kept has its one."""
        if self.codings:
            return list(self.codings)
        single = {"system": self.code_system, "code": self.code, "display": self.code_display}
        return [single] if self.code else []


class ClinicalStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RECURRENCE = "recurrence", "Recurrence"
    RELAPSE = "relapse", "Relapse"
    INACTIVE = "inactive", "Inactive"
    REMISSION = "remission", "Remission"
    RESOLVED = "resolved", "Resolved"


class VerificationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    PROVISIONAL = "provisional", "Provisional"
    DIFFERENTIAL = "differential", "Differential"
    CONFIRMED = "confirmed", "Confirmed"
    REFUTED = "refuted", "Refuted"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"


class Condition(HistoryEntry):
    """A condition, problem or situation (FHIR Condition), e.g. diabetes, pregnancy."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="conditions")
    clinical_status = models.CharField(
        max_length=20, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, blank=True
    )
    onset = models.DateField(null=True, blank=True)
    abatement = models.DateField(null=True, blank=True)


class MedicationStatus(models.TextChoices):
    """MedicationStatement's and MedicationRequest's R4 statuses together."""

    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"
    ON_HOLD = "on-hold", "On hold"
    INTENDED = "intended", "Intended"
    DRAFT = "draft", "Draft"
    NOT_TAKEN = "not-taken", "Not taken"
    CANCELLED = "cancelled", "Cancelled"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"
    UNKNOWN = "unknown", "Unknown"


class MedicationKind(models.TextChoices):
    MEDICATION = "medication", "Medication"
    SUPPLEMENT = "supplement", "Supplement"


class MedicationOrigin(models.TextChoices):
    STATEMENT = "statement", "Taken (MedicationStatement)"
    REQUEST = "request", "Prescribed (MedicationRequest)"


class Medication(HistoryEntry):
    """A medication or supplement the patient takes or took (MedicationStatement or Request)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    kind = models.CharField(
        max_length=12, choices=MedicationKind.choices, default=MedicationKind.MEDICATION
    )
    origin = models.CharField(
        max_length=12, choices=MedicationOrigin.choices, default=MedicationOrigin.STATEMENT
    )
    status = models.CharField(
        max_length=20, choices=MedicationStatus.choices, default=MedicationStatus.ACTIVE
    )
    dosage = models.CharField(max_length=200, blank=True)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)


class Allergy(HistoryEntry):
    """An allergy or intolerance (FHIR AllergyIntolerance), e.g. to lidocaine or latex."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="allergies")
    # FHIR allows active, inactive and resolved here; the shared choices keep the mapping simple.
    clinical_status = models.CharField(
        max_length=20, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, blank=True
    )
    category = models.CharField(max_length=20, blank=True)
    criticality = models.CharField(max_length=20, blank=True)
    # Every manifestation of every reaction, as one line to read.
    reaction = models.CharField(max_length=300, blank=True)
    # The same, as FHIR has them: [{"codings": [...], "text": "...", "severity": "severe"}].
    reactions = models.JSONField(default=list, blank=True)
    onset = models.DateField(null=True, blank=True)

    class Meta(HistoryEntry.Meta):
        verbose_name_plural = "allergies"


class ObservationStatus(models.TextChoices):
    """Observation's R4 statuses."""

    REGISTERED = "registered", "Registered"
    PRELIMINARY = "preliminary", "Preliminary"
    FINAL = "final", "Final"
    AMENDED = "amended", "Amended"
    CORRECTED = "corrected", "Corrected"
    CANCELLED = "cancelled", "Cancelled"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"
    UNKNOWN = "unknown", "Unknown"


class Observation(HistoryEntry):
    """A measured or stated fact (FHIR Observation): pregnancy or breastfeeding, weight, BMI."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="observations")
    status = models.CharField(
        max_length=20, choices=ObservationStatus.choices, default=ObservationStatus.FINAL
    )
    value_quantity = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    value_unit = models.CharField(max_length=30, blank=True)
    # A coded answer, e.g. "Pregnant" for a pregnancy status observation.
    value_code_system = models.CharField(max_length=200, blank=True)
    value_code = models.CharField(max_length=64, blank=True)
    value_display = models.CharField(max_length=200, blank=True)
    # Every coding of a coded answer, as `codings` keeps the question's.
    value_codings = models.JSONField(default=list, blank=True, validators=[coding_list])
    effective = models.DateTimeField(null=True, blank=True)

    @property
    def all_value_codings(self) -> list[dict[str, str]]:
        """Every coding of the answer; an entry saved before they were kept has its one."""
        if self.value_codings:
            return list(self.value_codings)
        single = {
            "system": self.value_code_system,
            "code": self.value_code,
            "display": self.value_display,
        }
        return [single] if self.value_code else []


# A history entry of one of the four kinds: unlike the abstract HistoryEntry, it has a patient.
AnyHistoryEntry = Condition | Medication | Allergy | Observation


class QuestionnaireResponse(models.Model):
    """A patient's answers to the intake questionnaire, kept as the FHIR resource they filled."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        AMENDED = "amended", "Amended"
        ENTERED_IN_ERROR = "entered-in-error", "Entered in error"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="questionnaire_responses"
    )
    questionnaire = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    authored = models.DateTimeField()
    resource = models.JSONField()
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-authored", "-id"]

    def __str__(self) -> str:
        return f"Intake questionnaire of {self.authored:%Y-%m-%d}"


def token_digest(token: str) -> str:
    """What is stored of an intake link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


class IntakeLink(models.Model):
    """A one-time link that lets a patient fill the intake questionnaire without signing in."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="intake_links")
    # Only a digest is stored: a leaked database does not leak working links.
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Intake link for patient {self.patient_id}, until {self.expires_at:%Y-%m-%d %H:%M}"


class ClinicMapping(models.Model):
    """A code or a phrase a clinic taught screening: what it means, or that it does not matter.

    A mapping applies to every patient of the clinic. Changing one adds its next version and
    retires the one before; revoking retires it; every version stays, with who made it.
    """

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    system = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=64, blank=True)
    # The words, as screening reads them (lower case, no accents): "sintrom mite".
    phrase = models.CharField(max_length=300, blank=True)
    # How a record showed the code when it was mapped, for the pages.
    display = models.CharField(max_length=300, blank=True)
    # A concept or marker ("anticoagulant-therapy"), "ingredient:<id>", or "not-relevant".
    target = models.CharField(max_length=80)
    note = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    # Retired by a newer version (True) or revoked (False).
    replaced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "system", "code", "phrase", "version"],
                name="mapping_version_unique",
            ),
            # At most one version of a code or phrase applies at a time.
            models.UniqueConstraint(
                fields=["clinic", "system", "code", "phrase"],
                condition=models.Q(retired_at__isnull=True),
                name="mapping_one_current",
            ),
            models.CheckConstraint(
                condition=(~models.Q(code="") & models.Q(phrase=""))
                | (models.Q(code="") & ~models.Q(phrase="")),
                name="mapping_code_or_phrase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_label} → {self.target} (version {self.version})"

    @property
    def source_label(self) -> str:
        """What was mapped, as a person reads it: a code with its display, or the words."""
        if self.phrase:
            return f"“{self.phrase}”"
        return f"{self.code} {self.display}".strip()

    @property
    def current(self) -> bool:
        return self.retired_at is None
