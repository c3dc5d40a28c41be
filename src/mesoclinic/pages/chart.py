"""The patient's chart: the record (history, screening) beside the calendar it holds."""

from typing import Any

from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.followup.queries import next_session, session_preparation
from mesoclinic.patients.chart import record_context
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.queries import patient_appointments_from, patient_courses
from mesoclinic.treatments.queries import patient_consultations


def chart_context(user: User, patient: Patient, protocol_id: str) -> dict[str, Any]:
    """The chart of `patient` as `user` may see it; access was checked when it was loaded."""
    now = timezone.now()
    appointments = patient_appointments_from(patient, now)
    record = record_context(user, patient, protocol_id)
    if "screening" in record:
        # Preparation is dated from the next booked session's start, not from today.
        session = next_session(appointments, now)
        record["preparation_session"] = session
        record["preparation"] = session_preparation(session) if session is not None else []
    return {
        "patient": patient,
        "appointments": appointments,
        "courses": patient_courses(patient),
        "consultations": patient_consultations(patient),
        **record,
    }
