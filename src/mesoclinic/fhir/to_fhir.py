"""Our `patients` rows → FHIR R4 resources (plain JSON-ready dicts), each valid against R4."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinical.teaching import NOT_RELEVANT
from mesoclinic.patients.models import (
    Allergy,
    ClinicMapping,
    Condition,
    Medication,
    MedicationKind,
    MedicationOrigin,
    Observation,
    Patient,
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
    coding = [{"system": system, "code": code, "display": display}] if code else []
    return concept_of(coding, text or display)


def concept_of(codings: list[dict[str, str]], text: str = "") -> Resource:
    """A CodeableConcept with every coding, in order, and free text."""
    return compact({"coding": [compact(dict(c)) for c in codings], "text": text})


def code_of(row: Any) -> Resource:
    """A history row's code with every coding it came with; a row with neither code nor text
    says so rather than being empty."""
    codings = row.all_codings
    text = row.text or (codings[0].get("display", "") if codings else "")
    return concept_of(codings, text) or {"text": NOT_RECORDED}


def status(system: str, code: str) -> Resource | None:
    return {"coding": [{"system": system, "code": code}]} if code else None


def fhir_datetime(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def fhir_date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class Identified(Protocol):
    """What a Patient's identifier is written from: a held row, or one an import just read."""

    @property
    def system(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def type_text(self) -> str: ...


class ReadIdentifier(NamedTuple):
    """An identifier as an import read it, before or without a row of its own."""

    system: str
    value: str
    type_text: str


def patient_resource(patient: Patient, identifiers: Sequence[Identified]) -> Resource:
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


def _identifier(identifier: Identified) -> Resource:
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
            "abatementDateTime": _abatement(row),
        }
    )


def _abatement(row: Condition) -> str | None:
    # R4 asks an abated condition for a clinical status (con-4) and forbids one on a record
    # entered in error (con-5): a record entered in error leaves without its abatement.
    if row.verification_status == VerificationStatus.ENTERED_IN_ERROR:
        return None
    return fhir_date(row.abatement)


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
    reaction = _reactions(row)
    return compact(
        {
            "resourceType": "AllergyIntolerance",
            "id": row.fhir_id,
            "clinicalStatus": _clinical(row, ALLERGY_CLINICAL),
            "verificationStatus": status(ALLERGY_VERIFICATION, row.verification_status),
            "category": [row.category] if row.category else [],
            "criticality": row.criticality,
            "code": code_of(row) if row.all_codings or row.text else None,
            "patient": reference(row.patient),
            "onsetDateTime": fhir_date(row.onset),
            "reaction": reaction,
        }
    )


def _reactions(row: Allergy) -> list[Resource]:
    """One reaction per manifestation, with its codings and severity, as FHIR gave them."""
    if not row.reactions:
        return [{"manifestation": [{"text": row.reaction}]}] if row.reaction else []
    return [
        compact(
            {
                "manifestation": [concept_of(r.get("codings", []), r.get("text", ""))],
                "severity": r.get("severity", ""),
            }
        )
        for r in row.reactions
    ]


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
            **_value(row),
        }
    )


def _value(row: Observation) -> Resource:
    """The coded answer with every coding, or an answer in words."""
    if row.all_value_codings:
        return {"valueCodeableConcept": concept_of(row.all_value_codings, row.value_display)}
    return {"valueString": row.value_display} if row.value_display else {}


def _quantity(value: Decimal | None, unit: str) -> Resource | None:
    if value is None:
        return None
    # A JSON number: FHIR decimals are numbers, and 70.500 and 70.5 are the same weight.
    number = int(value) if value == value.to_integral_value() else float(value.normalize())
    return compact({"value": number, "unit": unit, "system": UCUM if unit else None, "code": unit})


# The codes a clinic's mappings point to: screening's concepts, and the words typed without one.
SCREENING_CONCEPTS = "https://mesoclinic.org/fhir/CodeSystem/screening-concept"
TYPED_WORDS = "https://mesoclinic.org/fhir/CodeSystem/typed-words"
CONCEPT_MAPS = "https://mesoclinic.org/fhir/ConceptMap"


def concept_map_resource(clinic: Clinic, mappings: list[ClinicMapping], versions: int) -> Resource:
    """The mappings that apply in `clinic` as one ConceptMap, one group per source system.

    Its version counts every mapping the clinic ever made; each target's comment says who made
    it, which version it is, and why. "Not relevant" is an unmatched target.
    """
    groups: dict[str, list[Resource]] = {}
    for mapping in mappings:
        source = mapping.system if mapping.code else TYPED_WORDS
        groups.setdefault(source, []).append(_mapped_element(mapping))
    identifier = f"clinic-{clinic.pk}-screening"
    return compact(
        {
            "resourceType": "ConceptMap",
            "id": identifier,
            "url": f"{CONCEPT_MAPS}/{identifier}",
            "version": str(versions),
            "name": "ScreeningMappings",
            "title": f"{clinic.name}: what screening was taught",
            "status": "active",
            "date": fhir_datetime(max((m.created_at for m in mappings), default=None)),
            "publisher": clinic.name,
            "targetUri": SCREENING_CONCEPTS,
            "group": [
                {"source": source, "target": SCREENING_CONCEPTS, "element": elements}
                for source, elements in groups.items()
            ],
        }
    )


def _mapped_element(mapping: ClinicMapping) -> Resource:
    made = f"Version {mapping.version}, by {mapping.created_by} on {mapping.created_at:%Y-%m-%d}"
    comment = f"{made}: {mapping.note}" if mapping.note else made
    if mapping.target == NOT_RELEVANT:
        target = {"equivalence": "unmatched", "comment": f"Not relevant to screening. {comment}"}
    else:
        target = {"code": mapping.target, "equivalence": "relatedto", "comment": comment}
    return compact(
        {"code": mapping.code or mapping.phrase, "display": mapping.display, "target": [target]}
    )
