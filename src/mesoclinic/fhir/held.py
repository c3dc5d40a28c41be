"""The clinic's own calendar and settings resources, met again in an import of its own export.

An import that meets one exactly as the clinic would export it counts it unchanged. The screening
mappings (ConceptMap) are made on the clinic's pages, never by an import: any other is refused,
saying so. Practitioners, rooms, courses and appointments the clinic does not hold are made by
the calendar's import (`fhir.calendar_import`).
"""

from typing import Any

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.fhir.exporter import course_resource, course_sessions, mapping_resources
from mesoclinic.fhir.narrative import with_narrative
from mesoclinic.scheduling.fhir import appointment_to_fhir, practitioner_to_fhir, room_to_fhir
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments.models import TreatmentPlan

Resource = dict[str, Any]
HELD_ONLY = (
    "{type} {id} is not the one this clinic holds: {kind} are made on the clinic's pages and "
    "exported, never imported"
)
KINDS = {
    "Practitioner": "practitioners",
    "Location": "rooms",
    "Appointment": "appointments",
    "ConceptMap": "screening mappings",
    "CarePlan": "courses",
}


def is_held(clinic: Clinic, resource: Resource) -> bool:
    """Whether `resource` is exactly what the clinic exports under its id."""
    held = _held(clinic, resource["resourceType"], str(resource.get("id", "")))
    return held is not None and with_narrative(held) == resource


def refusal(resource: Resource) -> str:
    kind = KINDS[resource["resourceType"]]
    return HELD_ONLY.format(type=resource["resourceType"], id=resource.get("id"), kind=kind)


def fhir_number(fhir_id: str, prefix: str) -> int | None:
    head, _, number = fhir_id.rpartition("-")
    return int(number) if head == prefix and number.isdigit() and len(number) < 18 else None


def _held(clinic: Clinic, resource_type: str, fhir_id: str) -> Resource | None:
    if resource_type == "ConceptMap":
        return next((r for _, r in mapping_resources(clinic) if r["id"] == fhir_id), None)
    prefixes = {
        "Practitioner": "practitioner",
        "Location": "room",
        "Appointment": "appointment",
        "CarePlan": "course",
    }
    pk = fhir_number(fhir_id, prefixes[resource_type])
    if pk is None:
        return None
    if resource_type == "Practitioner":
        practitioner = Practitioner.objects.filter(clinic=clinic, pk=pk).select_related("user")
        found = practitioner.first()
        return practitioner_to_fhir(found) if found else None
    if resource_type == "Location":
        room = Room.objects.filter(clinic=clinic, pk=pk).first()
        return room_to_fhir(room) if room else None
    if resource_type == "Appointment":
        rows = Appointment.objects.filter(clinic=clinic, pk=pk)
        appointment = rows.select_related("patient", "practitioner__user", "room").first()
        return appointment_to_fhir(appointment) if appointment else None
    courses = Course.objects.filter(clinic=clinic, pk=pk).select_related("patient")
    course = courses.prefetch_related(course_sessions()).first()
    if course is None:
        return None
    plan = None
    if course.treatment_plan_id is not None:
        plans = TreatmentPlan.objects.filter(pk=course.treatment_plan_id)
        plan = plans.values_list("fhir_id", flat=True).first() or None
    return course_resource(course, plan)
