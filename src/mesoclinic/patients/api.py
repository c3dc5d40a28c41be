"""The patient API: search the clinic's patients, and screen one as `mesoclinic screen` does."""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from mesoclinic.accounts.models import CLINICAL_ROLES, STAFF_ROLES
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.api_errors import errors
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.clinical.protocols import UnknownProtocol
from mesoclinic.clinical.screening import screening_to_json
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.queries import search_patients
from mesoclinic.patients.screening import (
    DEFAULT_PROTOCOL,
    first_opening,
    preparation_for,
    screen_patient,
)

router = Router(tags=["patients"])
STAFF_ONLY = "Only clinic staff can search patients."
CLINICAL_STAFF_ONLY = "Only a clinic admin or a practitioner may see a patient's screening."
MOST_RESULTS = 50


class PatientOut(Schema):
    id: int
    fhir_id: str
    given_name: str
    family_name: str
    birth_date: date | None
    phone: str


class ScreeningQuery(Schema):
    on: date | None = None
    protocol: str = Field(default=DEFAULT_PROTOCOL, min_length=1, max_length=100)


@router.get(
    "/",
    response={200: list[PatientOut], **errors(422)},
    summary="Search patients by name, birth date or phone",
)
def patient_search(request: HttpRequest, q: Annotated[str, Query(max_length=200)] = "") -> Any:
    """The first 50 of the clinic's patients matching `q`, as the search page finds them."""
    user = api_user_with_role(request, STAFF_ROLES, STAFF_ONLY)
    found = list(search_patients(user, q)[:MOST_RESULTS])
    audit_list_shown(by=user, patients=found, summary=f"API patient search {q!r}")
    return found


@router.get(
    "/{patient_id}/screening",
    summary="Screen a patient (SPEC.md's JSON)",
    response={200: dict[str, Any], **errors(404, 422)},
)
def patient_screening(
    request: HttpRequest, patient_id: int, query: Query[ScreeningQuery]
) -> dict[str, Any]:
    """The screening and preparation of `mesoclinic screen --json`; the read is audited."""
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_STAFF_ONLY)
    patient = get_patient_for(user, patient_id, purpose="screen")
    on = query.on or timezone.localdate(timezone=patient.clinic.tzinfo)
    try:
        screening = screen_patient(patient, on, query.protocol)
    except UnknownProtocol as error:
        raise HttpError(400, f"protocol: {error}") from None
    steps = preparation_for(patient, first_opening(patient.clinic, on), query.protocol)
    return screening_to_json(screening, patient.fhir_id or str(patient.pk), steps)
