"""Changes to the patient record; each runs in one transaction and writes its audit row."""

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.accounts.site import site_url
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.clinical.freetext import words
from mesoclinic.clinical.teaching import check_target
from mesoclinic.outbox.domain import email_queue
from mesoclinic.patients.intake import canonical, history_from_answers, response_resource
from mesoclinic.patients.models import (
    AnyHistoryEntry,
    ClinicMapping,
    IntakeLink,
    Patient,
    QuestionnaireResponse,
    token_digest,
)

INTAKE_LINK_LIFETIME = dt.timedelta(days=7)
# An entry's code is one thing to the person who chose it, though it is kept as three fields.
CODING_LABELS = {
    "code_system": "coding",
    "code": "coding",
    "code_display": "coding",
    "codings": "coding",
}


@dataclass(frozen=True)
class PatientDetails:
    """A patient's demographics as reception types them."""

    given_name: str
    family_name: str
    birth_date: dt.date | None
    sex: str
    phone: str
    email: str
    address: str
    guardian_name: str
    guardian_phone: str
    deceased: bool
    deceased_at: dt.datetime | None


@transaction.atomic
def patient_save(
    *, clinic: Clinic, patient: Patient | None, details: PatientDetails, by: User
) -> Patient:
    """Add a patient to `clinic`, or change `patient`'s demographics."""
    patient = patient or Patient(clinic=clinic)
    return save_audited(obj=patient, values=asdict(details), by=by)


@transaction.atomic
def history_entry_save(
    *, patient: Patient, entry: AnyHistoryEntry, values: Mapping[str, Any], by: User
) -> AnyHistoryEntry:
    """Add (`entry` unsaved) or change one entry of `patient`'s history with its field `values`."""
    if entry._state.adding:
        entry.patient = patient
        entry.recorded_by = by
    return save_audited(
        obj=entry, values=values, by=by, patient_id=patient.pk, labels=CODING_LABELS
    )


@transaction.atomic
def history_entry_confirm(*, entry: AnyHistoryEntry, by: User) -> AnyHistoryEntry:
    """A practitioner confirms what the patient entered; it is then part of the trusted record."""
    entry.confirmed_by = by
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(
        by=by,
        action=Action.UPDATE,
        obj=entry,
        summary=f"confirmed {entry}",
        patient_id=entry.patient_id,
    )
    return entry


@dataclass(frozen=True)
class IntakeLinkSent:
    """A new intake link: its address (shown once, never stored) and whether it was emailed."""

    link: IntakeLink
    url: str
    emailed: bool


@transaction.atomic
def intake_link_send(*, patient: Patient, by: User) -> IntakeLinkSent:
    """A new one-time intake link for `patient`, emailed once saved when they have an address."""
    token = secrets.token_urlsafe(32)
    link = IntakeLink.objects.create(
        patient=patient,
        token_digest=token_digest(token),
        created_by=by,
        expires_at=timezone.now() + INTAKE_LINK_LIFETIME,
    )
    audit_record(
        by=by, action=Action.CREATE, obj=link, summary="intake link sent", patient_id=patient.pk
    )
    url = site_url(reverse("portal:intake-link", args=[token]))
    if patient.email:
        _intake_link_email(link, url)
    return IntakeLinkSent(link, url, emailed=bool(patient.email))


def _intake_link_email(link: IntakeLink, url: str) -> None:
    patient = link.patient
    context = {"patient": patient, "clinic": patient.clinic, "url": url, "expires": link.expires_at}
    body = render_to_string("patients/intake_link_email.txt", context)
    subject = f"{patient.clinic.name}: your health questionnaire"
    email_queue(
        to=patient.email,
        subject=subject,
        body=body,
        kind="intake link",
        clinic_id=patient.clinic_id,
    )


class IntakeLinkUnusable(Exception):
    """The intake link was used already, has expired, or never existed."""


def intake_link_take(*, token: str) -> IntakeLink:
    """Use up the intake link of `token`, inside the caller's transaction; refuse a spent one."""
    now = timezone.now()
    taken = IntakeLink.objects.filter(
        token_digest=token_digest(token), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    # The conditional update is atomic, so two tabs submitting the same link cannot both win.
    if taken != 1:
        raise IntakeLinkUnusable(token)
    return IntakeLink.objects.select_related("patient").get(token_digest=token_digest(token))


@transaction.atomic
def intake_submit(
    *, patient: Patient, answers: Mapping[str, Any], by: User | None, link_token: str = ""
) -> QuestionnaireResponse:
    """Store the patient's answers and turn them into history entries awaiting confirmation."""
    if link_token:
        intake_link_take(token=link_token)
    authored = timezone.now()
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        questionnaire=canonical(),
        authored=authored,
        resource=response_resource(patient, answers, authored),
    )
    entries = history_from_answers(patient, answers, authored)
    for entry in entries:
        entry.save()
    summary = f"intake questionnaire: {len(entries)} history entries to confirm"
    audit_record(
        by=by,
        action=Action.CREATE,
        obj=response,
        summary=summary,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return response


NOTHING_TO_MAP = "A mapping needs a code (with its system) or a phrase."
UNKNOWN_TARGET = "{target!r} is no concept screening knows: {error}"
NOT_CURRENT = "This mapping was already retired; the list shows the one that applies."


class MappingRefused(Exception):
    """A mapping that cannot be made; the message says why."""


@transaction.atomic
def clinic_mapping_save(
    *,
    clinic: Clinic,
    system: str,
    code: str,
    phrase: str,
    display: str,
    target: str,
    note: str,
    by: User,
) -> ClinicMapping:
    """Teach `clinic`'s screening what a code or phrase means: a new version, for every patient."""
    phrase = "" if code else " ".join(w for w in words(phrase) if w.isalnum())
    if not (code.strip() or phrase):
        raise MappingRefused(NOTHING_TO_MAP)
    try:
        check_target(target)
    except ValueError as error:
        raise MappingRefused(UNKNOWN_TARGET.format(target=target, error=error)) from None
    key = {
        "clinic": clinic,
        "system": system if code else "",
        "code": code.strip(),
        "phrase": phrase,
    }
    versions = ClinicMapping.objects.select_for_update().filter(**key)
    now = timezone.now()
    latest = versions.order_by("-version").first()
    versions.filter(retired_at__isnull=True).update(retired_at=now, retired_by=by, replaced=True)
    mapping = ClinicMapping.objects.create(
        **key,
        display=display[:300],
        target=target,
        note=note.strip()[:300],
        version=(latest.version if latest else 0) + 1,
        created_by=by,
    )
    audit_record(
        by=by,
        action=Action.CREATE,
        obj=mapping,
        summary=f"screening mapping: {mapping}",
        clinic_id=clinic.pk,
    )
    return mapping


@transaction.atomic
def clinic_mapping_revoke(*, mapping: ClinicMapping, by: User) -> ClinicMapping:
    """Stop applying a mapping to the clinic's patients; its versions stay on record."""
    retired = ClinicMapping.objects.filter(pk=mapping.pk, retired_at__isnull=True).update(
        retired_at=timezone.now(), retired_by=by
    )
    if retired != 1:
        raise MappingRefused(NOT_CURRENT)
    mapping.refresh_from_db()
    audit_record(
        by=by,
        action=Action.DELETE,
        obj=mapping,
        summary=f"screening mapping revoked: {mapping}",
        clinic_id=mapping.clinic_id,
    )
    return mapping
