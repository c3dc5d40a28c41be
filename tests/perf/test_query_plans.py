"""The pages a clinic opens all day read appointments and patients through indexes, never by
reading the whole table, once the tables are large (PostgreSQL's plans, with EXPLAIN).

The clinic gets tens of thousands of patients and appointments (copied in the database from one
row each) and fresh statistics (ANALYZE), so the planner chooses as it would in a big clinic.
Every query each page runs is explained; none may scan appointments or patients sequentially.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mesoclinic.patients.models import Condition, Patient
from mesoclinic.scheduling.models import Appointment
from tests import factories
from tests.scheduling.factories import AppointmentFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans"),
    pytest.mark.usefixtures("frozen_now"),
]
PATIENTS = 30_000
APPOINTMENTS = 150_000
WATCHED = ("scheduling_appointment", "patients_patient")
# Wednesday 25 November 2026 in the middle of the booked years, 09:00 UTC.
MIDWEEK = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)


def copies(model, template_pk: int, count: int, changes: dict[str, str]) -> None:
    """`count` copies of one row made by the database, columns in `changes` computed from g."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [changes.get(c, f'tpl."{c}"') for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) "
            f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS g, {table} AS tpl "
            "WHERE tpl.id = %s",
            [count, template_pk],
        )


@pytest.fixture
def big_clinic(harbour, paula, rita):
    """Harbour with many patients, years of appointments around today, fresh statistics."""
    practitioner = paula.practitioner
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    first = factories.PatientFactory(clinic=harbour, given_name="Ann", family_name="Adams")
    copies(
        Patient,
        first.pk,
        PATIENTS,
        {
            "family_name": "'Family' || (g %% 997)",
            "family_key": "'family' || (g %% 997)",
            "given_name": "'Given' || g",
            "given_key": "'given' || g",
            "fhir_id": "'p-' || g",
            "phone_key": "'44' || g",
            "email": "'p' || g || '@example.org'",
        },
    )
    # Back to back, half an hour each, from years ago to years ahead: never double-booked.
    start = MIDWEEK - dt.timedelta(minutes=30 * APPOINTMENTS // 2)
    appointment = AppointmentFactory(
        patient=first, practitioner=practitioner, room=room, start=start
    )
    copies(
        Appointment,
        appointment.pk,
        APPOINTMENTS,
        {
            "start": "tpl.start + g * interval '30 minutes'",
            "end": "tpl.end + g * interval '30 minutes'",
            "patient_id": f"{first.pk} + 1 + (g %% {PATIENTS})",
        },
    )
    # A few entries from patients themselves wait for a practitioner; the rest are staff's.
    waiting = factories.PatientFactory(clinic=harbour, given_name="Wendy", family_name="Wait")
    entry = Condition.objects.create(patient=first, text="Hay fever", entered_by="staff")
    copies(Condition, entry.pk, 20_000, {"patient_id": f"{first.pk} + 1 + (g %% {PATIENTS})"})
    Condition.objects.create(patient=waiting, text="Migraine", entered_by="patient")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return harbour


def scans_of(pages) -> list[tuple[str, str]]:
    """(page, plan) of every query the pages ran that reads appointments or patients."""
    found = []
    for name, run in pages:
        with CaptureQueriesContext(connection) as queries:
            assert run().status_code == 200, name
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or not any(t in sql for t in WATCHED):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            found.append((name, plan))
    return found


def test_no_page_a_clinic_opens_all_day_reads_all_appointments_or_patients(
    big_clinic, client_for, paula, rita
):
    reception = client_for(rita)
    calendar = reverse("scheduling:calendar")
    search = reverse("patients:search")
    first_page = reception.get(search).context["page"]
    pages = [
        ("reception dashboard", lambda: reception.get(reverse("home"))),
        ("week calendar", lambda: reception.get(calendar, {"date": "2026-11-25"})),
        ("day calendar by room", lambda: reception.get(calendar, {"view": "day", "by": "room"})),
        ("patient list", lambda: reception.get(search)),
        ("patient list, next page", lambda: reception.get(search, {"after": first_page.after})),
        ("patient search by name", lambda: reception.get(search, {"q": "family12"})),
        ("patient search by birth date", lambda: reception.get(search, {"q": "1980-05-17"})),
    ]
    plans = scans_of(pages)
    practitioner = client_for(paula)
    plans += scans_of([("practitioner dashboard", lambda: practitioner.get(reverse("home")))])

    assert {name for name, _ in plans} == {name for name, _ in pages} | {"practitioner dashboard"}
    sequential = [
        (name, plan) for name, plan in plans if any(f"Seq Scan on {t}" in plan for t in WATCHED)
    ]
    assert sequential == []
