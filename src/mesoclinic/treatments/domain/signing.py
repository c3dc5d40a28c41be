"""Signing a clinical record, and addenda once it is signed: the same steps for a consultation
and a session record.

A signed record is read-only (SPEC.md, "The record"): every change to a draft locks its row and
reads the signature under the lock, so a signature given since the caller loaded its copy counts
too; only the practitioner who holds the record signs it; a signed record takes dated addenda.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.treatments.models import (
    Consultation,
    ConsultationAddendum,
    SessionAddendum,
    TreatmentSession,
)

SignedRecord = Consultation | TreatmentSession
Addendum = ConsultationAddendum | SessionAddendum


@dataclass(frozen=True)
class SigningRules:
    """What one kind of record says when a change is refused, and where its addenda go."""

    kind: str
    refused: type[Exception]
    signed: str
    only_its_practitioner: str
    not_signed: str
    empty_addendum: str
    addendum: type[Addendum]


def lock_unsigned(*, record: SignedRecord, rules: SigningRules) -> None:
    """Lock the record's row for this change, refusing it once the record is signed."""
    # NO KEY UPDATE: the lock orders the changes of a draft against its signature, which touch
    # no key, so a row naming the record (a photo, an addendum) written meanwhile, perhaps with
    # the audit chain's lock held, does not wait on it and deadlock (see `clinic_lock`).
    signed = (
        type(record)
        .objects.select_for_update(no_key=True)
        .filter(pk=record.pk)
        .values_list("signed_at", flat=True)
        .get()
    )
    if signed is not None:
        raise rules.refused(rules.signed)


def record_sign(
    *,
    record: SignedRecord,
    by: User,
    rules: SigningRules,
    fill: Callable[[datetime], Sequence[str]],
    then: Callable[[], str],
) -> None:
    """Sign `record` as `by`, in one transaction, audited.

    `fill` sets the record's own fields at the moment of signing and names them; `then` does
    what follows the saved signature and gives the audit's summary.
    """
    practitioner = record.practitioner
    if by.role != Role.PRACTITIONER or practitioner.user_id != by.pk:
        raise rules.refused(rules.only_its_practitioner.format(practitioner=practitioner))
    with transaction.atomic():
        lock_unsigned(record=record, rules=rules)
        now = timezone.now()
        fields = fill(now)
        record.signed_at, record.signed_by = now, by
        record.save(update_fields=[*fields, "signed_at", "signed_by"])
        audit_record(
            by=by, action=Action.UPDATE, obj=record, summary=then(), patient_id=record.patient_id
        )


def addendum_write(
    *, record: SignedRecord, text: str, by: User, rules: SigningRules
) -> models.Model:
    """Add a dated note to a signed record; audited."""
    if not record.signed:
        raise rules.refused(rules.not_signed)
    if not text.strip():
        raise rules.refused(rules.empty_addendum)
    with transaction.atomic():
        addendum = rules.addendum.objects.create(
            **{rules.kind: record}, text=text.strip(), written_by=by, written_at=timezone.now()
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=addendum,
            summary=f"addendum to a signed {rules.kind}",
            patient_id=record.patient_id,
        )
    return addendum
