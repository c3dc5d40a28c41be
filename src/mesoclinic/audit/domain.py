"""Writing the audit trail: every read and change of patient data passes through here."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

from mesoclinic.accounts.models import Actor, User, signed_in_user
from mesoclinic.audit.middleware import current_ip
from mesoclinic.audit.models import Action, AuditEvent

Saved = TypeVar("Saved", bound=models.Model)
# What a list's event is about when it is about nothing but the patients it showed.
PATIENT_LIST = "patients.Patient list"


def audit_record(
    *,
    by: Actor,
    action: Action,
    obj: models.Model,
    summary: str = "",
    patient_id: int | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """Append one audit event for `by` doing `action` on `obj`."""
    event = audit_event(
        by=by, action=action, obj=obj, summary=summary, patient_id=patient_id, clinic_id=clinic_id
    )
    event.save()
    return event


def audit_event(
    *,
    by: Actor,
    action: Action,
    obj: models.Model,
    summary: str = "",
    patient_id: int | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """The audit event for `by` doing `action` on `obj`, not yet written."""
    actor = signed_in_user(by)
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
    *,
    by: Actor,
    patients: Iterable[models.Model],
    summary: str,
    action: Action = Action.READ,
    listing: AuditEvent | None = None,
) -> None:
    """Audit each patient a list showed (and the `listing` itself, if given) in one insert."""
    # One row per patient, so a patient's trail shows every calendar and search that named them.
    events = [listing] if listing is not None else []
    shown = {patient.pk: patient for patient in patients}
    events += [
        audit_event(by=by, action=action, obj=patient, summary=summary, patient_id=pk)
        for pk, patient in shown.items()
    ]
    AuditEvent.objects.bulk_create(events)


def audit_list_shown(
    *,
    by: Actor,
    patients: Iterable[models.Model],
    summary: str,
    action: Action = Action.READ,
    listing: AuditEvent | None = None,
) -> None:
    """Audit a list a person was shown in one event naming every patient on it, in order.

    The `listing` (the calendar's read of the clinic, a feed's export) is that event when given;
    otherwise it is an event on the list of patients. A patient's trail still finds every list
    that showed them (`naming`); a list costs one row however long it is, and the same
    content as one row per patient did. Nothing shown and no listing: nothing to audit.
    """
    # The numbers alone, in order, once each: a clinic's export names every patient it holds.
    shown: dict[int, None] = {}
    first = None
    for patient in patients:
        first = first or patient
        shown[patient.pk] = None
    clinic_id = _clinic_id_of(first, signed_in_user(by)) if first is not None else None
    audit_ids_shown(
        by=by,
        patient_ids=shown,
        summary=summary,
        clinic_id=clinic_id,
        action=action,
        listing=listing,
    )


def audit_ids_shown(
    *,
    by: Actor,
    patient_ids: Iterable[int],
    summary: str,
    clinic_id: int | None,
    action: Action = Action.READ,
    listing: AuditEvent | None = None,
) -> None:
    """`audit_list_shown` for a list read as plain values: its patients by number, its clinic
    named."""
    shown = dict.fromkeys(patient_ids)
    if listing is None:
        if not shown:
            return
        actor = signed_in_user(by)
        listing = AuditEvent(
            clinic_id=clinic_id,
            actor=actor,
            actor_label=actor.get_username() if actor else "system",
            action=action,
            object_type=PATIENT_LIST,
            summary=summary[:300],
            ip_address=current_ip.get(),
        )
    listing.patients_shown = f" {' '.join(str(pk) for pk in shown)} " if shown else ""
    listing.save()


def _clinic_id_of(obj: models.Model, actor: User | None) -> int | None:
    """The clinic an audited object belongs to: its own, or else the actor's."""
    if obj._meta.label == "accounts.Clinic":
        clinic_pk: int = obj.pk
        return clinic_pk
    clinic_id: int | None = getattr(obj, "clinic_id", None)
    if clinic_id is None and actor is not None:
        clinic_id = actor.clinic_id
    return clinic_id


def save_audited(
    *,
    obj: Saved,
    values: Mapping[str, Any],
    by: Actor,
    patient_id: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> Saved:
    """Set `values` (plain fields, no relations) on `obj`, save it, and audit what changed.

    The summary names the changed fields, by their `labels` where several fields are one thing
    to a person (a code's system, code and display are its "coding"). Call inside the caller's
    transaction.
    """
    adding = obj._state.adding
    # Compared with the stored row: a model form may already have set the new values on `obj`.
    before = (
        {name: getattr(obj, name) for name in values}
        if adding
        else type(obj)._default_manager.filter(pk=obj.pk).values(*values).get()
    )
    changed = [
        (labels or {}).get(name, name) for name, value in values.items() if before[name] != value
    ]
    action = Action.CREATE if adding else Action.UPDATE
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    if obj._meta.label == "patients.Patient":
        patient_id = obj.pk
    summary = f"{obj}: {', '.join(dict.fromkeys(changed))}".strip(": ")
    audit_record(by=by, action=action, obj=obj, summary=summary, patient_id=patient_id)
    return obj


def audit_denied(
    *, by: Actor, object_type: str, object_id: str, clinic_id: int | None, patient_id: int | None
) -> None:
    """Record a refused attempt on another clinic's record, on that clinic's own trail."""
    actor = signed_in_user(by)
    label = actor.get_username() if actor else "visitor"
    where = f" (clinic {actor.clinic_id})" if actor else ""
    AuditEvent(
        clinic_id=clinic_id,
        actor=actor,
        actor_label=label,
        action=Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        summary=f"refused to {label}{where}",
        ip_address=current_ip.get(),
    ).save()


def sign_in_failure_audit(*, username: str, summary: str = "") -> None:
    """Record a failed or refused sign-in, on the clinic of the account it named (if any)."""
    account = User.objects.filter(username__iexact=username).values_list("pk", "clinic_id")
    found = account.first()
    AuditEvent(
        clinic_id=found[1] if found else None,
        action=Action.LOGIN_FAILED,
        object_type="accounts.User",
        object_id=str(found[0]) if found else "",
        actor_label=username[:150],
        summary=summary,
        ip_address=current_ip.get(),
    ).save()
