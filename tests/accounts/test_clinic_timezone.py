"""Every page shows times in the signed-in user's clinic's zone, not the server's."""

import datetime as dt

from django.urls import reverse

from tests.factories import PatientFactory, PractitionerFactory
from tests.scheduling.factories import AppointmentFactory, open_clinic


def test_a_paris_clinic_sees_its_appointments_in_paris_time(client_for, riverside, charlie):
    doctor = PractitionerFactory(clinic=riverside)
    room = open_clinic(riverside, [doctor], rooms=("Cabinet A",))[0]
    patient = PatientFactory(clinic=riverside, given_name="Chloé")
    # 09:00 UTC is 10:00 in Paris in December.
    AppointmentFactory(
        patient=patient,
        practitioner=doctor,
        room=room,
        start=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
    )
    page = client_for(charlie).get(
        reverse("scheduling:calendar"), {"view": "day", "date": "2026-12-01"}
    )
    html = page.content.decode()
    assert ("10:00–10:30" in html, "09:00–09:30" in html) == (True, False)
