"""Appointments leave mesoclinic as valid FHIR R4 Appointments."""

import datetime as dt

from fhir.resources.R4B.appointment import Appointment as FhirAppointment

from mesoclinic.scheduling.fhir import appointment_to_fhir
from tests.scheduling.factories import AppointmentFactory


def test_a_session_is_an_appointment_with_patient_practitioner_and_room(pat, paula, harbour):
    appointment = AppointmentFactory(
        patient=pat, practitioner=paula.practitioner, room__name="Room 1", kind="session", number=2
    )
    resource = appointment_to_fhir(appointment)
    FhirAppointment.model_validate(resource)
    assert resource == {
        "resourceType": "Appointment",
        "id": f"appointment-{appointment.pk}",
        "status": "booked",
        "appointmentType": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v2-0276",
                    "code": "FOLLOWUP",
                    "display": "A follow up visit from a previous appointment",
                }
            ]
        },
        "description": "Mesotherapy session 2",
        "start": "2026-12-01T09:00:00+00:00",
        "end": "2026-12-01T09:30:00+00:00",
        "minutesDuration": 30,
        "participant": [
            {
                "actor": {"reference": f"Patient/{pat.pk}", "display": "Pat Example"},
                "required": "required",
                "status": "accepted",
            },
            {
                "actor": {
                    "reference": f"Practitioner/practitioner-{paula.practitioner.pk}",
                    "display": "Paula Tester",
                },
                "required": "required",
                "status": "accepted",
            },
            {
                "actor": {"reference": f"Location/room-{appointment.room_id}", "display": "Room 1"},
                "required": "required",
                "status": "accepted",
            },
        ],
    }
    assert dt.datetime.fromisoformat(resource["start"]) == appointment.start
