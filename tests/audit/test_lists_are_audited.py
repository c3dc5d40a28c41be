"""Lists that show patients (dashboards, calendar, feed, search) leave one row naming them all."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.domain import PATIENT_LIST as LIST
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.queries import naming
from tests import factories
from tests.patients.factories import ConditionFactory
from tests.scheduling.factories import AppointmentFactory, feed_token

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def morning(harbour, paula, pat):
    """Two appointments for Pat and one for Ann with Paula on Monday morning."""
    ann = factories.PatientFactory(clinic=harbour, given_name="Ann", family_name="Lee")
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    for hour, patient in ((9, pat), (10, ann), (11, pat)):
        start = dt.datetime.combine(MONDAY, dt.time(hour), tzinfo=LONDON)
        AppointmentFactory(patient=patient, practitioner=paula.practitioner, room=room, start=start)
    return ann


def trail(**filters):
    """The audit rows, oldest first, as (who, action, what, patients shown, summary)."""
    rows = AuditEvent.objects.filter(**filters).order_by("id")
    return [
        (e.actor_label, e.action, e.object_type, e.shown_ids, e.summary)
        for e in rows.exclude(action="login")
    ]


def test_the_staff_dashboard_audits_each_patient_of_the_day(client_for, rita, pat, morning):
    client_for(rita).get(reverse("home"))
    summary = "dashboard: today's appointments"
    assert trail() == [("rita", "read", LIST, [pat.pk, morning.pk], summary)]


def test_the_practitioner_dashboard_audits_the_entries_waiting(client_for, paula, pat, harbour):
    ConditionFactory(patient=pat, entered_by="patient")
    client_for(paula).get(reverse("home"))
    assert trail() == [("paula", "read", LIST, [pat.pk], "dashboard: entries to confirm")]


def test_the_patient_dashboard_audits_their_own_appointments(client_for, pat, morning):
    client_for(pat.user).get(reverse("home"))
    summary = "dashboard: upcoming appointments"
    assert trail() == [("pat", "read", LIST, [pat.pk], summary)]


def test_the_calendar_audits_the_clinic_and_each_patient_on_it(client_for, rita, pat, morning):
    client_for(rita).get(f"{reverse('scheduling:calendar')}?view=day&date={MONDAY}")
    summary = "calendar day of 2026-11-23 by practitioner"
    assert trail() == [("rita", "read", "accounts.Clinic", [pat.pk, morning.pk], summary)]


def test_the_practitioner_feed_audits_each_patient_it_hands_out(client, paula, pat, morning):
    practitioner = paula.practitioner
    feed = reverse("scheduling:feed", args=[practitioner.pk, feed_token(practitioner)])
    client.get(feed)
    assert trail() == [
        ("paula", "update", "clinics.Practitioner", [], "new calendar feed address"),
        ("system", "export", "clinics.Practitioner", [pat.pk, morning.pk], "calendar feed"),
    ]


def test_the_patient_search_page_and_api_audit_each_patient_found(client_for, rita, pat, morning):
    client = client_for(rita)
    client.get(reverse("patients:search"), {"q": "lee"})
    client.get("/api/v1/patients/", {"q": "example"})
    assert trail() == [
        ("rita", "read", LIST, [morning.pk], "patient search 'lee'"),
        ("rita", "read", LIST, [pat.pk], "API patient search 'example'"),
    ]


def test_a_patients_trail_shows_every_list_that_named_them_and_no_other(
    client_for, rita, alice, pat, morning
):
    client = client_for(rita)
    client.get(f"{reverse('scheduling:calendar')}?view=day&date={MONDAY}")
    client.get(reverse("patients:search"), {"q": "lee"})
    client.get(reverse("chart", args=[pat.pk]))

    page = client_for(alice).get(reverse("audit:events"), {"patient": pat.pk})

    summaries = [e.summary for e in page.context["page"]]
    assert summaries == ["chart", "calendar day of 2026-11-23 by practitioner"]
    assert f"patients {pat.pk}, {morning.pk}" in page.content.decode()


def test_a_patient_number_inside_another_is_not_that_patient(rita, harbour):
    first = factories.PatientFactory(clinic=harbour, pk=42)
    longer = factories.PatientFactory(clinic=harbour, pk=4242)
    audit_list_shown(by=rita, patients=[longer], summary="patient search")

    assert not AuditEvent.objects.filter(naming(first.pk)).exists()
    assert AuditEvent.objects.filter(naming(longer.pk)).count() == 1


def test_the_patients_a_list_named_are_in_its_hash(rita, pat):
    audit_list_shown(by=rita, patients=[pat], summary="patient search 'pat'")
    event = AuditEvent.objects.get(object_type=LIST)

    assert event.hash == event.chain_hash(event.prev_hash)
    event.patients_shown = f" {pat.pk + 1} "
    assert event.chain_hash(event.prev_hash) != event.hash
