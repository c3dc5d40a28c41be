"""The calendar as FHIR R4: Appointments with their Practitioner, Location (room) and CarePlan."""

from datetime import UTC, datetime
from typing import Any, NamedTuple

from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.scheduling.models import Appointment, AppointmentKind, Course, CourseStatus

APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
# HL7 v2 table 0276: a consultation is a check-up, a course session a follow-up.
TYPE_CODES = {
    AppointmentKind.CONSULTATION: ("CHECKUP", "A routine check-up, such as an annual physical"),
    AppointmentKind.SESSION: ("FOLLOWUP", "A follow up visit from a previous appointment"),
}


class AppointmentShown(NamedTuple):
    """What an Appointment resource shows of an appointment, its patient, practitioner and room:
    an export of a million appointments reads these as plain values, not model rows."""

    pk: int
    status: str
    kind: str
    number: int | None
    start: datetime
    end: datetime
    patient_reference: str
    patient: str
    practitioner_id: int
    practitioner: str
    room_id: int
    room: str


def appointment_to_fhir(appointment: Appointment) -> dict[str, Any]:
    """A valid R4 Appointment with its patient, practitioner and room (a Location)."""
    patient = appointment.patient
    return appointment_resource(
        AppointmentShown(
            appointment.pk,
            appointment.status,
            appointment.kind,
            appointment.number,
            appointment.start,
            appointment.end,
            patient_reference(patient.fhir_id, patient.pk),
            str(patient),
            appointment.practitioner_id,
            str(appointment.practitioner),
            appointment.room_id,
            str(appointment.room),
        )
    )


def patient_reference(fhir_id: str, pk: int) -> str:
    """How an Appointment names its patient: by their FHIR id, else by their number."""
    return f"Patient/{fhir_id or pk}"


def appointment_resource(shown: AppointmentShown) -> dict[str, Any]:
    """The Appointment resource of what `shown` holds (see `appointment_to_fhir`)."""
    code, display = TYPE_CODES[AppointmentKind(shown.kind)]
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"appointment-{shown.pk}",
        "status": shown.status,
        "appointmentType": {
            "coding": [{"system": APPOINTMENT_TYPE, "code": code, "display": display}]
        },
        "description": _description(shown.number),
        "start": shown.start.astimezone(UTC).isoformat(),
        "end": shown.end.astimezone(UTC).isoformat(),
        "minutesDuration": int((shown.end - shown.start).total_seconds() // 60),
        "participant": [
            _participant(shown.patient_reference, shown.patient),
            _participant(f"Practitioner/practitioner-{shown.practitioner_id}", shown.practitioner),
            _participant(f"Location/room-{shown.room_id}", shown.room),
        ],
    }
    # R4 allows an Appointment's basedOn to be a ServiceRequest only: the course's CarePlan
    # names its sessions instead (CarePlan.activity.reference).
    return resource


def _participant(reference: str, display: str) -> dict[str, Any]:
    return {
        "actor": {"reference": reference, "display": display},
        "required": "required",
        "status": "accepted",
    }


def _description(number: int | None) -> str:
    if number:
        return f"Mesotherapy session {number}"
    return "Mesotherapy consultation"


PROFESSION_CODES = "http://snomed.info/sct"
# SNOMED CT occupations: medical practitioner, and nurse for a nurse injector.
PROFESSIONS = {"doctor": ("158965000", "Medical practitioner"), "nurse": ("106292003", "Nurse")}
# A course is a CarePlan; FHIR has no "planned" status, a booked course is already active.
CARE_PLAN_STATUS = {
    CourseStatus.PLANNED: "active",
    CourseStatus.ACTIVE: "active",
    CourseStatus.COMPLETED: "completed",
    CourseStatus.CANCELLED: "revoked",
}


def practitioner_to_fhir(practitioner: Practitioner) -> dict[str, Any]:
    """A Practitioner resource with name and profession, as the Appointments refer to it."""
    user = practitioner.user
    code, display = PROFESSIONS[practitioner.profession]
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": f"practitioner-{practitioner.pk}",
        "active": practitioner.active,
        "name": [{"family": user.last_name, "given": [user.first_name]}],
        "qualification": [
            {"code": {"coding": [{"system": PROFESSION_CODES, "code": code, "display": display}]}}
        ],
    }
    if user.email:
        resource["telecom"] = [{"system": "email", "value": user.email, "use": "work"}]
    return resource


def room_to_fhir(room: Room) -> dict[str, Any]:
    """A room as a Location resource."""
    return {
        "resourceType": "Location",
        "id": f"room-{room.pk}",
        "status": "active" if room.active else "inactive",
        "name": room.name,
        "mode": "instance",
        "physicalType": {"coding": [{"system": LOCATION_TYPE, "code": "ro", "display": "Room"}]},
    }


def course_to_fhir(course: Course, sessions: list[Appointment]) -> dict[str, Any]:
    """A course as a CarePlan for its patient, naming its protocol, template, areas and each of
    its `sessions` (an activity referring to the Appointment)."""
    patient = course.patient
    areas = ", ".join(course.areas)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"course-{course.pk}",
        "status": CARE_PLAN_STATUS[CourseStatus(course.status)],
        "intent": "plan",
        "title": f"Mesotherapy course ({course.protocol_id}/{course.template_id})",
        "description": f"Protocol {course.protocol_id} version {course.protocol_version}"
        + (f"; areas: {areas}" if areas else ""),
        "subject": {
            "reference": patient_reference(patient.fhir_id, patient.pk),
            "display": str(patient),
        },
        "created": f"{course.created_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z",
    }
    # Each session, in order: `sessions` is the caller's, prefetched in start order.
    activities = [{"reference": {"reference": f"Appointment/appointment-{a.pk}"}} for a in sessions]
    if activities:
        resource["activity"] = activities
    return resource
