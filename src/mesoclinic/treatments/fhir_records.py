"""The signed consent, the session and its photos as FHIR R4: Consent (its PDF as the source
attachment), Procedure (body sites, performer, the lots' Medications used) and Media.

They reference each other: the Procedure names its Consent and its course's CarePlan, each
Media is part of its Procedure, and the Consent's provision names the course.
"""

import base64
import json
from datetime import UTC, datetime
from typing import Any

from mesoclinic.treatments.models import ChartPoint, Consent, SessionPhoto, TreatmentSession

Resource = dict[str, Any]
BASE = "https://mesoclinic.org/fhir"
EXTENSION = f"{BASE}/StructureDefinition"
AREAS = f"{BASE}/CodeSystem/area"
PHOTO_VIEWS = f"{BASE}/CodeSystem/photo-view"
CONSENT_EXT = f"{EXTENSION}/session-consent"
CHART_EXT = f"{EXTENSION}/session-chart"
MOMENT_EXT = f"{EXTENSION}/photo-moment"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
LOINC = "http://loinc.org"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"


def _instant(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def _patient_reference(patient: Any) -> Resource:
    return {"reference": f"Patient/{patient.fhir_id or patient.pk}", "display": str(patient)}


def consent_to_fhir(consent: Consent, pdf: bytes) -> Resource:
    """The signed consent, its kept PDF attached; photo use as a provision of its own."""
    photos = "permit" if consent.photos_allowed else "deny"
    signer = consent.typed_name
    if consent.guardian_name:
        signer = f"{consent.guardian_name} ({consent.guardian_relationship} of the patient)"
    return {
        "resourceType": "Consent",
        "id": consent.fhir_id,
        "status": "active",
        "scope": {
            "coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]
        },
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]}
        ],
        "patient": _patient_reference(consent.patient),
        "dateTime": _instant(consent.signed_at),
        "performer": [{"display": signer}],
        "organization": [{"display": consent.clinic.name}],
        "sourceAttachment": {
            "contentType": "application/pdf",
            "data": base64.b64encode(pdf).decode("ascii"),
            "title": f"{consent.title} (version {consent.template.version})",
            "creation": _instant(consent.signed_at),
        },
        "policyRule": {
            "text": f"{consent.template.treatment} consent, version {consent.template.version}"
        },
        "provision": {
            "type": "permit",
            "data": [
                {
                    "meaning": "related",
                    "reference": {"reference": f"CarePlan/course-{consent.course_id}"},
                }
            ],
            "provision": [
                {
                    "type": photos,
                    "action": [{"coding": [{"system": CONSENT_ACTION, "code": "collect"}]}],
                    "code": [{"text": "Photos of the treated areas"}],
                }
            ],
        },
    }


def procedure_to_fhir(session: TreatmentSession, points: list[ChartPoint]) -> Resource:
    """The session: where (body sites), by whom, with which lots, and its chart point by point."""
    lots = {point.lot_id: point.lot for point in points}
    if session.numbing_lot is not None:
        lots.setdefault(session.numbing_lot.pk, session.numbing_lot)
    areas = sorted({point.area for point in points})
    period = {"start": _instant(session.started_at)}
    if session.ended_at:
        period["end"] = _instant(session.ended_at)
    resource: Resource = {
        "resourceType": "Procedure",
        "id": session.fhir_id,
        "extension": [
            {
                "url": CONSENT_EXT,
                "valueReference": {"reference": f"Consent/{session.consent.fhir_id}"},
            },
            {"url": CHART_EXT, "valueString": _chart_json(points)},
        ],
        "basedOn": [{"reference": f"CarePlan/course-{session.appointment.course_id}"}],
        "status": "completed" if session.signed else "in-progress",
        "code": {"text": "Mesotherapy session"},
        "subject": _patient_reference(session.patient),
        "performedPeriod": period,
        "performer": [
            {
                "actor": {
                    "reference": f"Practitioner/practitioner-{session.practitioner_id}",
                    "display": str(session.practitioner),
                }
            }
        ],
        "bodySite": [{"coding": [{"system": AREAS, "code": area}], "text": area} for area in areas],
        "usedReference": [
            {
                "reference": f"Medication/{lot.fhir_id}",
                "display": f"{lot.product.name} lot {lot.number}",
            }
            for lot in lots.values()
        ],
    }
    if session.reactions:
        resource["complication"] = [{"text": session.reactions}]
    if session.notes:
        resource["note"] = [{"text": session.notes}]
    for key in ("bodySite", "usedReference"):
        if not resource[key]:
            del resource[key]
    return resource


def _chart_json(points: list[ChartPoint]) -> str:
    """Every point as charted, so nothing of the chart is lost on the way out."""
    return json.dumps(
        [
            {
                "map": p.map,
                "area": p.area,
                "x": f"{p.x:.4f}",
                "y": f"{p.y:.4f}",
                "lot": p.lot.fhir_id,
                "depth_mm": f"{p.depth_mm:.1f}",
                "volume_ml": f"{p.volume_ml:.2f}",
                "technique": p.technique,
            }
            for p in points
        ],
        sort_keys=True,
    )


def media_to_fhir(photo: SessionPhoto, image: bytes) -> Resource:
    """A photo of the session in one standard view, before or after, part of its Procedure."""
    return {
        "resourceType": "Media",
        "id": photo.fhir_id,
        "extension": [{"url": MOMENT_EXT, "valueCode": photo.moment}],
        "partOf": [{"reference": f"Procedure/{photo.session.fhir_id}"}],
        "status": "completed",
        "type": {"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "view": {
            "coding": [
                {"system": PHOTO_VIEWS, "code": photo.view, "display": photo.get_view_display()}
            ]
        },
        "subject": _patient_reference(photo.patient),
        "createdDateTime": _instant(photo.taken_at),
        "height": photo.height,
        "width": photo.width,
        "content": {
            "contentType": "image/jpeg",
            "data": base64.b64encode(image).decode("ascii"),
            "title": f"{photo.get_moment_display()}, {photo.get_view_display()}",
        },
    }


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _id_after(reference: str, prefix: str) -> str:
    return reference.removeprefix(prefix)


def consent_fields(resource: Resource) -> dict[str, Any]:
    """What an exported Consent says, read back as the consent's own values."""
    provision = resource["provision"]
    return {
        "fhir_id": resource["id"],
        "patient": _id_after(resource["patient"]["reference"], "Patient/"),
        "course_id": int(
            _id_after(provision["data"][0]["reference"]["reference"], "CarePlan/course-")
        ),
        "photos_allowed": provision["provision"][0]["type"] == "permit",
        "signed_at": _moment(resource["dateTime"]),
        "pdf": base64.b64decode(resource["sourceAttachment"]["data"]),
    }


def procedure_fields(resource: Resource) -> dict[str, Any]:
    """What an exported Procedure says, read back as the session's own values."""
    extensions = {e["url"]: e for e in resource["extension"]}
    period = resource["performedPeriod"]
    return {
        "fhir_id": resource["id"],
        "consent": _id_after(extensions[CONSENT_EXT]["valueReference"]["reference"], "Consent/"),
        "course_id": int(_id_after(resource["basedOn"][0]["reference"], "CarePlan/course-")),
        "practitioner_id": int(
            _id_after(resource["performer"][0]["actor"]["reference"], "Practitioner/practitioner-")
        ),
        "signed": resource["status"] == "completed",
        "started_at": _moment(period["start"]),
        "ended_at": _moment(period["end"]) if "end" in period else None,
        "areas": [site["text"] for site in resource.get("bodySite", [])],
        "lots": [
            _id_after(u["reference"], "Medication/") for u in resource.get("usedReference", [])
        ],
        "points": json.loads(extensions[CHART_EXT]["valueString"]),
        "reactions": resource.get("complication", [{"text": ""}])[0]["text"],
        "notes": resource.get("note", [{"text": ""}])[0]["text"],
    }


def media_fields(resource: Resource) -> dict[str, Any]:
    """What an exported Media says, read back as the photo's own values."""
    return {
        "fhir_id": resource["id"],
        "session": _id_after(resource["partOf"][0]["reference"], "Procedure/"),
        "view": resource["view"]["coding"][0]["code"],
        "moment": resource["extension"][0]["valueCode"],
        "taken_at": _moment(resource["createdDateTime"]),
        "width": resource["width"],
        "height": resource["height"],
        "image": base64.b64decode(resource["content"]["data"]),
    }
