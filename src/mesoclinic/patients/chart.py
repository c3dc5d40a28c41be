"""The patient record's part of the chart: history and screening, to clinical staff only."""

from typing import Any

from django.db.models import prefetch_related_objects
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.patients.facts import HISTORY, resource_of
from mesoclinic.patients.forms import MappingForm
from mesoclinic.patients.intake import answered
from mesoclinic.patients.models import HistoryEntry, Patient
from mesoclinic.patients.queries import clinic_taught
from mesoclinic.patients.screening import DEFAULT_PROTOCOL, screen_patient

UNKNOWN_PROTOCOL = "There is no protocol {protocol_id!r}: the chart shows the standard protocol."
HISTORY_SECTIONS = (
    ("condition", "conditions", "Conditions"),
    ("medication", "medications", "Medications and supplements"),
    ("allergy", "allergies", "Allergies"),
    ("observation", "observations", "Observations"),
)


def record_context(user: User, patient: Patient, protocol_id: str) -> dict[str, Any]:
    """What the chart shows of `patient`'s record to `user`: nothing clinical to reception."""
    if not user.sees_clinical_notes:
        return {}
    context: dict[str, Any] = {}
    known = {protocol.id for protocol in all_protocols()}
    if protocol_id and protocol_id not in known:
        context["protocol_error"] = UNKNOWN_PROTOCOL.format(protocol_id=protocol_id)
    chosen = protocol_id if protocol_id in known else DEFAULT_PROTOCOL
    return context | clinical_context(patient, chosen)


def clinical_context(patient: Patient, protocol_id: str) -> dict[str, Any]:
    """History grouped by kind, and today's screening under `protocol_id`."""
    prefetch_related_objects([patient], *HISTORY)
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    taught = clinic_taught(patient.clinic_id)
    screening = screen_patient(patient, today, protocol_id, taught=taught)
    unrecognised = {record.resource for record in screening.unrecognised}
    responses = list(patient.questionnaire_responses.all()[:3])
    history = [
        (kind, title, [history_row(e, unrecognised) for e in getattr(patient, related).all()])
        for kind, related, title in HISTORY_SECTIONS
    ]
    return {
        "history": history,
        "screening": screening,
        "unrecognised": [
            (kind, row) for kind, _, rows in history for row in rows if row["unrecognised"]
        ],
        "protocols": all_protocols(),
        "protocol_id": protocol_id,
        "intake_responses": responses,
        "intake_answers": answered(responses[0].resource) if responses else [],
    }


def history_row(entry: HistoryEntry, unrecognised: set[str]) -> dict[str, Any]:
    """One history entry, whether the clinical core recognised it, and if not, how to map it."""
    row: dict[str, Any] = {"entry": entry, "unrecognised": resource_of(entry) in unrecognised}
    if row["unrecognised"]:
        row["mapping_form"] = MappingForm(
            initial=_to_map(entry), auto_id=f"map-{entry._meta.model_name}-{entry.pk}-%s"
        )
    return row


def _to_map(entry: HistoryEntry) -> dict[str, str]:
    """What a practitioner maps for an entry: its first code, or its words when it has none."""
    codings = entry.all_codings
    if codings:
        first = codings[0]
        return {
            "system": first.get("system", ""),
            "code": first["code"],
            "display": first.get("display", "") or entry.text,
        }
    return {"phrase": entry.text, "display": entry.text}
