"""Our `patients` rows → FHIR R4 resources (plain JSON-ready dicts), each valid against R4."""

import datetime as dt
from decimal import Decimal
from typing import Any

from mesoclinic.patients.models import (
    Allergy,
    Condition,
    Medication,
    MedicationKind,
    MedicationOrigin,
    Observation,
    Patient,
    PatientIdentifier,
    VerificationStatus,
)

Resource = dict[str, Any]
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
UCUM = "http://unitsofmeasure.org"
# R4 has no code for a supplement; the category's text carries it and our importer reads it back.
SUPPLEMENT_CATEGORY = {"text": "supplement"}
NOT_RECORDED = "not recorded"


def compact(resource: Resource) -> Resource:
    """Drop empty elements: FHIR forbids empty strings, lists and objects."""
    return {key: value for key, value in resource.items() if value not in ("", None, [], {})}


def reference(patient: Patient) -> Resource:
    return {"reference": f"Patient/{patient.fhir_id}"}


def concept(system: str, code: str, display: str, text: str = "") -> Resource:
    """A CodeableConcept from our (system, code, display) and free text."""
    coding = [compact({"system": system, "code": code, "display": display})] if code else []
    return compact({"coding": coding, "text": text or display})


def code_of(row: Any) -> Resource:
    """A history row's code; a row with neither code nor text says so rather than being empty."""
    return concept(row.code_system, row.code, row.code_display, row.text) or {"text": NOT_RECORDED}


def status(system: str, code: str) -> Resource | None:
    return {"coding": [{"system": system, "code": code}]} if code else None


def fhir_datetime(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def fhir_date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def patient_resource(patient: Patient, identifiers: list[PatientIdentifier]) -> Resource:
    """A Patient resource with names, contact, identifiers, death and guardian."""
    name = compact({"use": "official", "family": patient.family_name})
    if patient.given_name:
        name["given"] = patient.given_name.split()
    telecom = [{"system": "phone", "value": patient.phone}] if patient.phone else []
    telecom += [{"system": "email", "value": patient.email}] if patient.email else []
    return compact(
        {
            "resourceType": "Patient",
            "id": patient.fhir_id,
            "identifier": [_identifier(i) for i in identifiers],
            "name": [name] if len(name) > 1 else [],
            "telecom": telecom,
            "gender": patient.sex,
            "birthDate": fhir_date(patient.birth_date),
            **_deceased(patient),
            "address": [{"text": patient.address}] if patient.address else [],
            "contact": [_guardian(patient)] if patient.guardian_name else [],
        }
    )


def _identifier(identifier: PatientIdentifier) -> Resource:
    kind = {"text": identifier.type_text} if identifier.type_text else None
    return compact({"type": kind, "system": identifier.system, "value": identifier.value})


def _deceased(patient: Patient) -> Resource:
    if patient.deceased_at:
        return {"deceasedDateTime": fhir_datetime(patient.deceased_at)}
    return {"deceasedBoolean": True} if patient.deceased else {}


def _guardian(patient: Patient) -> Resource:
    guardian = concept(ROLE_CODE, "GUARD", "guardian")
    phone = [{"system": "phone", "value": patient.guardian_phone}] if patient.guardian_phone else []
    return compact(
        {"relationship": [guardian], "name": {"text": patient.guardian_name}, "telecom": phone}
    )


def _clinical(row: Any, system: str) -> Resource | None:
    # R4 forbids a clinical status on a record entered in error (con-5, ait-1).
    if row.verification_status == VerificationStatus.ENTERED_IN_ERROR:
        return None
    return status(system, row.clinical_status)


def condition_resource(row: Condition) -> Resource:
    """A Condition resource."""
    return compact(
        {
            "resourceType": "Condition",
            "id": row.fhir_id,
            "clinicalStatus": _clinical(row, CONDITION_CLINICAL),
            "verificationStatus": status(CONDITION_VERIFICATION, row.verification_status),
            "code": code_of(row),
            "subject": reference(row.patient),
            "onsetDateTime": fhir_date(row.onset),
            "abatementDateTime": fhir_date(row.abatement),
        }
    )


def medication_resource(row: Medication) -> Resource:
    """A MedicationStatement (taken) or MedicationRequest (prescribed) resource."""
    supplement = [SUPPLEMENT_CATEGORY] if row.kind == MedicationKind.SUPPLEMENT else []
    if row.origin == MedicationOrigin.REQUEST:
        return compact(
            {
                "resourceType": "MedicationRequest",
                "id": row.fhir_id,
                "status": row.status,
                "intent": "order",
                "category": supplement,
                "medicationCodeableConcept": code_of(row),
                "subject": reference(row.patient),
                "authoredOn": fhir_date(row.started),
                "dosageInstruction": [{"text": row.dosage}] if row.dosage else [],
            }
        )
    period = compact({"start": fhir_date(row.started), "end": fhir_date(row.ended)})
    return compact(
        {
            "resourceType": "MedicationStatement",
            "id": row.fhir_id,
            "status": row.status,
            "category": supplement[0] if supplement else None,
            "medicationCodeableConcept": code_of(row),
            "subject": reference(row.patient),
            "effectivePeriod": period,
            "dosage": [{"text": row.dosage}] if row.dosage else [],
        }
    )


def allergy_resource(row: Allergy) -> Resource:
    """An AllergyIntolerance resource."""
    reaction = [{"manifestation": [{"text": row.reaction}]}] if row.reaction else []
    return compact(
        {
            "resourceType": "AllergyIntolerance",
            "id": row.fhir_id,
            "clinicalStatus": _clinical(row, ALLERGY_CLINICAL),
            "verificationStatus": status(ALLERGY_VERIFICATION, row.verification_status),
            "category": [row.category] if row.category else [],
            "criticality": row.criticality,
            "code": concept(row.code_system, row.code, row.code_display, row.text),
            "patient": reference(row.patient),
            "onsetDateTime": fhir_date(row.onset),
            "reaction": reaction,
        }
    )


def observation_resource(row: Observation) -> Resource:
    """An Observation resource with its quantity or coded value."""
    return compact(
        {
            "resourceType": "Observation",
            "id": row.fhir_id,
            "status": row.status,
            "code": code_of(row),
            "subject": reference(row.patient),
            "effectiveDateTime": fhir_datetime(row.effective),
            "valueQuantity": _quantity(row.value_quantity, row.value_unit),
            "valueCodeableConcept": concept(
                row.value_code_system, row.value_code, row.value_display
            ),
        }
    )


def _quantity(value: Decimal | None, unit: str) -> Resource | None:
    if value is None:
        return None
    # A JSON number: FHIR decimals are numbers, and 70.500 and 70.5 are the same weight.
    number = int(value) if value == value.to_integral_value() else float(value.normalize())
    return compact({"value": number, "unit": unit, "system": UCUM if unit else None, "code": unit})
