"""Consultations and plans as FHIR R4, and back.

A consultation is an Encounter (who, when, its appointment, the concerns) with a
ClinicalImpression holding its findings: the skin assessment, the screening reviewed and the
recommendation. A plan is a CarePlan with one activity per area, whose product is the area's
formulation (a contained Medication made of the catalogue's Medications), and one for the
numbing cream. What R4 has no element for is kept in the project's extensions.
"""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from mesoclinic.treatments.models import (
    Consultation,
    Fitzpatrick,
    Layer,
    PlanArea,
    Recommendation,
    SkinType,
    Technique,
    TreatmentPlan,
)

Resource = dict[str, Any]
BASE = "https://mesoclinic.org/fhir"
CONSULTATION_SYSTEM = f"{BASE}/consultation"
PLAN_SYSTEM = f"{BASE}/treatment-plan"
ASSESSMENT = f"{BASE}/CodeSystem/skin-assessment"
RECOMMENDATIONS = f"{BASE}/CodeSystem/recommendation"
TECHNIQUES = f"{BASE}/CodeSystem/technique"
LAYERS = f"{BASE}/CodeSystem/layer"
SCREENING_CONCEPTS = f"{BASE}/CodeSystem/screening-concept"
EXTENSION = f"{BASE}/StructureDefinition"
AREAS_EXT = f"{EXTENSION}/consultation-area"
SCREENING_EXT = f"{EXTENSION}/screening-reviewed"
RECOMMENDATION_EXT = f"{EXTENSION}/consultation-recommendation"
PROTOCOL_EXT = f"{EXTENSION}/plan-protocol"
AREA_EXT = f"{EXTENSION}/plan-area"
DEPTH_EXT = f"{EXTENSION}/plan-depth-mm"
LAYER_EXT = f"{EXTENSION}/plan-layer"
NUMBING = "numbing-cream"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
UCUM = "http://unitsofmeasure.org"


def _instant(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def _patient(consultation: Consultation) -> Resource:
    patient = consultation.patient
    return {"reference": f"Patient/{patient.fhir_id or patient.pk}", "display": str(patient)}


def _practitioner(consultation: Consultation) -> Resource:
    practitioner = consultation.practitioner
    return {
        "reference": f"Practitioner/practitioner-{practitioner.pk}",
        "display": str(practitioner),
    }


def encounter_to_fhir(consultation: Consultation) -> Resource:
    """The consultation as an Encounter."""
    period = {"start": _instant(consultation.created_at)}
    if consultation.signed_at:
        period["end"] = _instant(consultation.signed_at)
    resource: Resource = {
        "resourceType": "Encounter",
        "id": consultation.fhir_id,
        "extension": [{"url": AREAS_EXT, "valueString": area} for area in consultation.areas],
        "identifier": [{"system": CONSULTATION_SYSTEM, "value": consultation.fhir_id}],
        "status": "finished" if consultation.signed else "in-progress",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "type": [{"text": "Mesotherapy consultation"}],
        "subject": _patient(consultation),
        "participant": [{"individual": _practitioner(consultation)}],
        "period": period,
    }
    if not resource["extension"]:
        del resource["extension"]
    if consultation.appointment_id:
        resource["appointment"] = [
            {"reference": f"Appointment/appointment-{consultation.appointment_id}"}
        ]
    if consultation.concerns:
        resource["reasonCode"] = [{"text": consultation.concerns}]
    return resource


def impression_to_fhir(consultation: Consultation) -> Resource:
    """The consultation's findings and recommendation as a ClinicalImpression."""
    resource: Resource = {
        "resourceType": "ClinicalImpression",
        "id": consultation.fhir_id,
        "status": "completed" if consultation.signed else "in-progress",
        "subject": _patient(consultation),
        "encounter": {"reference": f"Encounter/{consultation.fhir_id}"},
        "date": _instant(consultation.signed_at or consultation.created_at),
        "assessor": _practitioner(consultation),
        "finding": _assessment(consultation) + _screening_findings(consultation),
    }
    extensions = []
    if consultation.recommendation:
        label = Recommendation(consultation.recommendation).label
        coding = {"system": RECOMMENDATIONS, "code": consultation.recommendation, "display": label}
        extensions.append({"url": RECOMMENDATION_EXT, "valueCoding": coding})
        resource["summary"] = consultation.recommendation_reason
    if consultation.screening_protocol_id:
        resource["protocol"] = [f"{BASE}/protocol/{consultation.screening_protocol_id}"]
        extensions.append({"url": SCREENING_EXT, "valueString": _screening_json(consultation)})
    if extensions:
        resource["extension"] = extensions
    if not resource["finding"]:
        del resource["finding"]
    return resource


def _finding(code: str, display: str, text: str, basis: str) -> Resource:
    coding = {"system": ASSESSMENT, "code": code, "display": display}
    return {"itemCodeableConcept": {"coding": [coding], "text": text}, "basis": basis}


def _assessment(consultation: Consultation) -> list[Resource]:
    findings = []
    if consultation.fitzpatrick:
        label = Fitzpatrick(consultation.fitzpatrick).label
        findings.append(
            _finding("fitzpatrick", "Fitzpatrick type", label, str(consultation.fitzpatrick))
        )
    if consultation.skin_type:
        label = SkinType(consultation.skin_type).label
        findings.append(_finding("skin-type", "Skin type", label, consultation.skin_type))
    for area, condition in consultation.area_conditions.items():
        findings.append(_finding("area-condition", "Condition of an area", area, condition))
    return findings


def _screening_findings(consultation: Consultation) -> list[Resource]:
    return [
        {
            "itemCodeableConcept": {
                "coding": [{"system": SCREENING_CONCEPTS, "code": finding["concept"]}]
            },
            "basis": f"{finding['severity']}: "
            + "; ".join(e["display"] for e in finding["evidence"]),
        }
        for finding in consultation.screening_findings
    ]


def _screening_json(consultation: Consultation) -> str:
    """The screening reviewed, exactly as kept: it imports again unchanged."""
    return json.dumps(
        {
            "protocol": consultation.screening_protocol_id,
            "version": consultation.screening_protocol_version,
            "on": consultation.screening_on.isoformat() if consultation.screening_on else None,
            "verdict": consultation.screening_verdict,
            "findings": consultation.screening_findings,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def plan_to_fhir(plan: TreatmentPlan, areas: list[PlanArea]) -> Resource:
    """The plan as a CarePlan: one activity per area, and one for the numbing cream."""
    consultation = plan.consultation
    contained = [_formulation(area, n) for n, area in enumerate(areas, start=1)]
    activities = [_area_activity(area, n) for n, area in enumerate(areas, start=1)]
    if plan.numbing_product is not None:
        activities.append(_numbing_activity(plan))
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": plan.fhir_id,
        "contained": contained,
        "extension": [
            {"url": PROTOCOL_EXT, "valueString": f"{plan.protocol_id}/{plan.template_id}"},
        ],
        "identifier": [{"system": PLAN_SYSTEM, "value": plan.fhir_id}],
        "status": "active" if consultation.signed else "draft",
        "intent": "plan",
        "title": f"Mesotherapy treatment plan ({plan.protocol_id}/{plan.template_id})",
        "description": f"Protocol {plan.protocol_id} version {plan.protocol_version}",
        "subject": _patient(consultation),
        "encounter": {"reference": f"Encounter/{consultation.fhir_id}"},
        "author": _practitioner(consultation),
        "activity": activities,
    }
    if not contained:
        del resource["contained"]
    return resource


def _formulation(area: PlanArea, number: int) -> Resource:
    return {
        "resourceType": "Medication",
        "id": f"area-{number}",
        "code": {"text": f"Formulation for the {area.area}"},
        "ingredient": [
            {
                "itemReference": {
                    "reference": f"Medication/{line.product.fhir_id}",
                    "display": line.product.name,
                }
            }
            for line in area.formulation.all()
        ],
    }


def _number(value: Decimal) -> int | float:
    # A JSON number: 1.50 and 1.5 are the same volume.
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def _area_activity(area: PlanArea, number: int) -> Resource:
    label = Technique(area.technique).label
    extensions: list[Resource] = [{"url": AREA_EXT, "valueString": area.area}]
    if area.depth_mm is not None:
        extensions.append({"url": DEPTH_EXT, "valueDecimal": _number(area.depth_mm)})
    if area.layer:
        layer = Layer(area.layer)
        extensions.append(
            {
                "url": LAYER_EXT,
                "valueCoding": {"system": LAYERS, "code": layer, "display": layer.label},
            }
        )
    return {
        "detail": {
            "extension": extensions,
            "code": {"coding": [{"system": TECHNIQUES, "code": area.technique, "display": label}]},
            "status": "not-started",
            "productReference": {"reference": f"#area-{number}"},
            "quantity": {
                "value": _number(area.volume_ml),
                "unit": "mL",
                "system": UCUM,
                "code": "mL",
            },
            "description": f"{area.area}: {label.lower()}",
        }
    }


def _numbing_activity(plan: TreatmentPlan) -> Resource:
    product = plan.numbing_product
    assert product is not None  # the caller checked
    return {
        "detail": {
            "code": {
                "coding": [{"system": TECHNIQUES, "code": NUMBING, "display": "Numbing cream"}]
            },
            "status": "not-started",
            "productReference": {
                "reference": f"Medication/{product.fhir_id}",
                "display": product.name,
            },
            "description": "numbing cream before the injections",
        }
    }
