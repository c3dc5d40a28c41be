"""Changes to the patient record; each runs in one transaction and writes its audit row."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.patients.intake import canonical, history_from_answers, response_resource
from mesoclinic.patients.models import HistoryEntry, IntakeLink, Patient, QuestionnaireResponse

INTAKE_LINK_LIFETIME = dt.timedelta(days=7)


@transaction.atomic
def patient_save(form: Any, by: User) -> Patient:
    """Create or change a patient's demographics."""
    action = Action.CREATE if form.instance._state.adding else Action.UPDATE
    patient: Patient = form.save()
    changed = ", ".join(form.changed_data)
    audit_record(by, action, patient, summary=f"{patient}: {changed}", patient_id=patient.pk)
    return patient


@transaction.atomic
def history_entry_save(form: Any, by: User, patient: Patient) -> HistoryEntry:
    """Add or change one entry of `patient`'s history, recorded by `by`."""
    entry: HistoryEntry = form.instance
    adding = entry._state.adding
    entry.patient = patient  # type: ignore[attr-defined]
    if adding:
        entry.recorded_by = by
    entry = form.save()
    action = Action.CREATE if adding else Action.UPDATE
    audit_record(
        by, action, entry, summary=f"{entry}: {', '.join(form.changed_data)}", patient_id=patient.pk
    )
    return entry


@transaction.atomic
def history_entry_confirm(entry: HistoryEntry, by: User) -> HistoryEntry:
    """A practitioner confirms what the patient entered; it is then part of the trusted record."""
    entry.confirmed_by = by
    entry.confirmed_at = timezone.now()
    entry.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(
        by,
        Action.UPDATE,
        entry,
        summary=f"confirmed {entry}",
        patient_id=entry.patient_id,  # type: ignore[attr-defined]
    )
    return entry


def token_digest(token: str) -> str:
    """What is stored of an intake link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def intake_link_create(patient: Patient, by: User) -> tuple[IntakeLink, str]:
    """A new one-time intake link for `patient`; the token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    link = IntakeLink.objects.create(
        patient=patient,
        token_digest=token_digest(token),
        created_by=by,
        expires_at=timezone.now() + INTAKE_LINK_LIFETIME,
    )
    audit_record(by, Action.CREATE, link, summary="intake link sent", patient_id=patient.pk)
    return link, token


def intake_link_email(link: IntakeLink, url: str) -> bool:
    """Email the intake link to the patient when the record has an address; say whether it did."""
    patient = link.patient
    if not patient.email:
        return False
    context = {"patient": patient, "clinic": patient.clinic, "url": url, "expires": link.expires_at}
    body = render_to_string("patients/intake_link_email.txt", context)
    subject = f"{patient.clinic.name}: your health questionnaire"
    send_mail(subject, body, None, [patient.email])
    return True


class IntakeLinkUnusable(Exception):
    """The intake link was used already, has expired, or never existed."""


def intake_link_take(token: str) -> IntakeLink:
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
    patient: Patient, cleaned: dict[str, Any], by: User | None, link_token: str = ""
) -> QuestionnaireResponse:
    """Store the patient's answers and turn them into history entries awaiting confirmation."""
    if link_token:
        intake_link_take(link_token)
    authored = timezone.now()
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        questionnaire=canonical(),
        authored=authored,
        resource=response_resource(patient, cleaned, authored),
    )
    entries = history_from_answers(patient, cleaned, authored)
    for entry in entries:
        entry.save()
    summary = f"intake questionnaire: {len(entries)} history entries to confirm"
    audit_record(
        by,
        Action.CREATE,
        response,
        summary=summary,
        patient_id=patient.pk,
        clinic_id=patient.clinic_id,
    )
    return response
