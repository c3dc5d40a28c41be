"""Writing the audit trail: every read and change of patient data passes through here."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from mesoclinic.accounts.models import signed_in_user
from mesoclinic.audit.middleware import current_ip
from mesoclinic.audit.models import Action, AuditEvent


def audit_record(
    actor: Any,
    action: Action,
    obj: models.Model,
    *,
    summary: str = "",
    patient_id: int | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """Append one audit event for `actor` doing `action` on `obj`."""
    event = audit_event(
        actor, action, obj, summary=summary, patient_id=patient_id, clinic_id=clinic_id
    )
    event.save()
    return event


def audit_event(
    actor: Any,
    action: Action,
    obj: models.Model,
    *,
    summary: str = "",
    patient_id: int | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """The audit event for `actor` doing `action` on `obj`, not yet written."""
    actor = signed_in_user(actor)
    return AuditEvent(
        clinic_id=clinic_id if clinic_id is not None else _clinic_id_of(obj, actor),
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk or ""),
        patient_id=patient_id,
        summary=summary[:300],
        ip_address=current_ip.get(),
    )


def audit_patients_shown(
    actor: Any,
    patients: Iterable[models.Model],
    *,
    summary: str,
    action: Action = Action.READ,
    listing: AuditEvent | None = None,
) -> None:
    """Audit each patient a list showed (and the `listing` itself, if given) in one insert."""
    # One row per patient, so a patient's trail shows every calendar and search that named them.
    events = [listing] if listing is not None else []
    shown = {patient.pk: patient for patient in patients}
    events += [
        audit_event(actor, action, patient, summary=summary, patient_id=pk)
        for pk, patient in shown.items()
    ]
    AuditEvent.objects.bulk_create(events)


def _clinic_id_of(obj: models.Model, actor: Any) -> int | None:
    """The clinic an audited object belongs to: its own, or else the actor's."""
    if obj._meta.label == "accounts.Clinic":
        return obj.pk
    clinic_id = getattr(obj, "clinic_id", None)
    if clinic_id is None and actor is not None:
        clinic_id = actor.clinic_id
    return clinic_id


def save_form_audited(form: Any, actor: Any, *, summary: str = "") -> Any:
    """Save a valid model form and audit it as a create or an update; call inside a transaction."""
    action = Action.CREATE if form.instance._state.adding else Action.UPDATE
    obj = form.save()
    changed = ", ".join(form.changed_data)
    audit_record(actor, action, obj, summary=summary or f"{obj}: {changed}".strip(": "))
    return obj
