"""Appointments as FHIR R4 Appointment resources, for the FHIR export (which the fhir app owns)."""

from datetime import UTC
from typing import Any

from mesoclinic.scheduling.models import Appointment, AppointmentKind

APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
# HL7 v2 table 0276: a consultation is a check-up, a course session a follow-up.
TYPE_CODES = {
    AppointmentKind.CONSULTATION: ("CHECKUP", "A routine check-up, such as an annual physical"),
    AppointmentKind.SESSION: ("FOLLOWUP", "A follow up visit from a previous appointment"),
}


def appointment_to_fhir(appointment: Appointment) -> dict[str, Any]:
    """A valid R4 Appointment with its patient, practitioner and room (a Location)."""
    patient = appointment.patient
    code, display = TYPE_CODES[AppointmentKind(appointment.kind)]
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": f"appointment-{appointment.pk}",
        "status": appointment.status,
        "appointmentType": {
            "coding": [{"system": APPOINTMENT_TYPE, "code": code, "display": display}]
        },
        "description": _description(appointment),
        "start": appointment.start.astimezone(UTC).isoformat(),
        "end": appointment.end.astimezone(UTC).isoformat(),
        "minutesDuration": int((appointment.end - appointment.start).total_seconds() // 60),
        "participant": [
            _participant(f"Patient/{patient.fhir_id or patient.pk}", str(patient)),
            _participant(
                f"Practitioner/practitioner-{appointment.practitioner_id}",
                str(appointment.practitioner),
            ),
            _participant(f"Location/room-{appointment.room_id}", str(appointment.room)),
        ],
    }
    if appointment.course_id:
        resource["basedOn"] = [{"reference": f"CarePlan/course-{appointment.course_id}"}]
    return resource


def _participant(reference: str, display: str) -> dict[str, Any]:
    return {
        "actor": {"reference": reference, "display": display},
        "required": "required",
        "status": "accepted",
    }


def _description(appointment: Appointment) -> str:
    if appointment.number:
        return f"Mesotherapy session {appointment.number}"
    return "Mesotherapy consultation"
