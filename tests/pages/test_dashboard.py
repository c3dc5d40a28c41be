"""Dashboards point at the record's loose ends: the questionnaire, entries to confirm."""

import datetime as dt

import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.domain import history_entry_confirm, intake_submit
from tests.factories import PatientFactory
from tests.patients.factories import AllergyFactory, ConditionFactory, MedicationFactory
from tests.patients.test_intake import answers
from tests.scheduling.factories import AppointmentFactory


def attention(client):
    return [str(item) for item in client.get(reverse("home")).context["attention"]]


def test_a_patient_is_asked_for_the_questionnaire_until_they_send_it(client_for, pat):
    client = client_for(pat.user)
    assert attention(client) == [
        '<a href="/portal/intake/">Fill in your health questionnaire</a> before your first visit.'
    ]
    intake_submit(patient=pat, answers=answers(), by=pat.user)
    assert attention(client) == []


def test_the_practitioner_sees_patients_with_entries_to_confirm(client_for, paula, harbour, peter):
    ada = PatientFactory(clinic=harbour, given_name="Ada", family_name="Byron")
    ben = PatientFactory(clinic=harbour, given_name="Ben", family_name="Adams")
    waiting = AllergyFactory(patient=ada, entered_by="patient")
    MedicationFactory(patient=ben, entered_by="patient")
    ConditionFactory(patient=PatientFactory(clinic=harbour), entered_by="staff")
    ConditionFactory(patient=peter, entered_by="patient")
    client = client_for(paula)
    assert attention(client) == [
        f'<a href="/patients/{ben.pk}/#history">Ben Adams</a>: entries from the patient to confirm',
        f'<a href="/patients/{ada.pk}/#history">Ada Byron</a>: entries from the patient to confirm',
    ]
    history_entry_confirm(entry=waiting, by=paula)
    assert attention(client) == [
        f'<a href="/patients/{ben.pk}/#history">Ben Adams</a>: entries from the patient to confirm'
    ]


def test_the_practitioner_dashboard_query_count_does_not_grow(
    client_for, paula, harbour, django_assert_num_queries
):
    client = client_for(paula)
    MedicationFactory(patient=PatientFactory(clinic=harbour), entered_by="patient")
    # 1 session, 2 user, 3 their second factor, 4 patients with entries to confirm, 5 the audit
    # chain's head, 6 their audit rows in one insert, 7 the follow-up inbox's counts,
    # 8 today's appointments
    with django_assert_num_queries(8):
        client.get(reverse("home"))
    for _ in range(2):
        MedicationFactory(patient=PatientFactory(clinic=harbour), entered_by="patient")
    with django_assert_num_queries(8):
        assert len(attention(client)) == 3


@time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False)
def test_the_practitioner_dashboard_audits_both_its_lists_in_one_write(
    client_for, paula, harbour, django_assert_num_queries
):
    client = client_for(paula)
    waiting = PatientFactory(clinic=harbour)
    MedicationFactory(patient=waiting, entered_by="patient")
    booked = PatientFactory(clinic=harbour)
    AppointmentFactory(
        patient=booked,
        practitioner=paula.practitioner,
        start=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
    )
    # 1 session, 2 user, 3 their second factor, 4 patients with entries to confirm, 5 the
    # follow-up inbox's counts, 6 today's appointments with their names, 7 the audit chain's
    # head, 8 both lists' audit rows in one insert
    with django_assert_num_queries(8):
        client.get(reverse("home"))
    shown = AuditEvent.objects.filter(summary__startswith="dashboard").order_by("seq")
    assert list(shown.values_list("summary", "patients_shown")) == [
        ("dashboard: entries to confirm", f" {waiting.pk} "),
        ("dashboard: today's appointments", f" {booked.pk} "),
    ]
