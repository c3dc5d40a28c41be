"""Reading the record as FHIR for one user: through the one permission check, every read audited."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from mesoclinic.accounts.models import Role, User
from mesoclinic.fhir.exporter import assign_fhir_ids
from mesoclinic.fhir.kinds import HISTORY, SUPPORTED
from mesoclinic.fhir.to_fhir import patient_resource
from mesoclinic.patients.access import get_patient_for, patients_visible_to
from mesoclinic.patients.models import Patient

Resource = dict[str, Any]
UNKNOWN_TYPE = "mesoclinic does not serve {type}; it serves " + ", ".join(SUPPORTED) + "."
NOT_FOUND = "No {type} with id {id!r} in your clinic."
RECEPTION_ONLY_PATIENTS = "Reception sees patients' details, not their clinical records."


class UnknownType(Exception):
    """A resource type the FHIR API does not serve."""


def check_type(user: User, resource_type: str) -> None:
    """Refuse types we do not serve, and clinical types to reception."""
    if resource_type not in SUPPORTED:
        raise UnknownType(UNKNOWN_TYPE.format(type=resource_type))
    if resource_type != "Patient" and user.role == Role.RECEPTION:
        raise PermissionDenied(RECEPTION_ONLY_PATIENTS)


def read_resource(user: User, resource_type: str, resource_id: str) -> Resource:
    """One resource by its FHIR id, if `user` may see its patient."""
    check_type(user, resource_type)
    if resource_type == "Patient":
        patient = _patient_by_fhir_id(user, resource_id, f"FHIR read Patient/{resource_id}")
        return patient_resource(patient, list(patient.identifiers.all()))
    kind = HISTORY[resource_type]
    row = (
        kind.rows()
        .exclude(fhir_id="")
        .filter(fhir_id=resource_id, patient__in=patients_visible_to(user))
        .select_related("patient")
        .first()
    )
    if row is None:
        raise Http404(NOT_FOUND.format(type=resource_type, id=resource_id))
    get_patient_for(user, row.patient_id, purpose=f"FHIR read {resource_type}/{resource_id}")
    return kind.to_fhir(row)


def search_resources(user: User, resource_type: str, patient_reference: str) -> list[Resource]:
    """Every `resource_type` of one patient (named by FHIR id or `Patient/<id>`)."""
    check_type(user, resource_type)
    fhir_id = patient_reference.removeprefix("Patient/")
    patient = _patient_by_fhir_id(user, fhir_id, f"FHIR search {resource_type}")
    if resource_type == "Patient":
        return [patient_resource(patient, list(patient.identifiers.all()))]
    kind = HISTORY[resource_type]
    rows = kind.rows().filter(patient=patient).order_by("pk")
    with transaction.atomic():
        # A record entered here gets its FHIR id on first sight, and keeps it.
        assign_fhir_ids(rows)
    found = list(rows)
    for row in found:
        row.patient = patient
    return [kind.to_fhir(row) for row in found]


def _patient_by_fhir_id(user: User, fhir_id: str, purpose: str) -> Patient:
    """The patient with this FHIR id through `get_patient_for` (404 if not the user's to see)."""
    if not fhir_id:
        # An empty id would match every patient not yet given one.
        raise Http404(NOT_FOUND.format(type="Patient", id=fhir_id))
    pk = patients_visible_to(user).filter(fhir_id=fhir_id).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404(NOT_FOUND.format(type="Patient", id=fhir_id))
    return get_patient_for(user, pk, purpose=purpose)
