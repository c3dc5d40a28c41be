"""The clinic's reports on 100,000 patients and 1,000,000 appointments, on PostgreSQL.

Run as `DATABASE_URL=postgres://… python bench/bench_reports.py`: it creates (and drops again) a
database `<name>_bench_reports` beside the one named, migrates it and builds, in SQL, one clinic
with 20 practitioners: 100,000 patients, each with a course (six sessions) and four
consultations, so 1,000,000 appointments over two years (one in twenty missed); each course's
first session recorded, signed and charted from one of 100 lots of four products; 5,000
side-effect reports; a practitioner's and a patient's GAIS score for every completed course.
Then it times every report (the figures the page shows, without the template) over one year,
for the whole clinic and for one practitioner, and the first and last page of the patients
behind a figure, and counts their queries. Goal: each under a second, in a constant number of
queries. Skips, saying why, without PostgreSQL.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
PER_PATIENT = 10  # six sessions of the course, four consultations
PRACTITIONERS = 20
ROUNDS = 5


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("skipped: set DATABASE_URL to a PostgreSQL server (postgres://…)")
        return
    bench_url = fresh_database(url)
    try:
        os.environ["DATABASE_URL"] = bench_url
        set_up_django()
        started = time.perf_counter()
        clinic, practitioner = synthetic_clinic()
        print(f"built in {time.perf_counter() - started:.0f} s")
        time_reports(clinic, practitioner)
    finally:
        drop_database(url, bench_url)


def _admin(url: str, sql: str) -> None:
    import psycopg

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql)


def fresh_database(url: str, *, purpose: str = "reports") -> str:
    """A new, empty database `<name>_bench_<purpose>` beside the one `url` names."""
    name = urlsplit(url).path.lstrip("/") or "mesoclinic"
    bench = f"{name}_bench_{purpose}"
    _admin(url, f'DROP DATABASE IF EXISTS "{bench}" WITH (FORCE)')  # a run cut short
    _admin(url, f'CREATE DATABASE "{bench}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{bench}"))


def drop_database(url: str, bench_url: str) -> None:
    from django.db import connections

    connections.close_all()
    _admin(url, f'DROP DATABASE IF EXISTS "{urlsplit(bench_url).path.lstrip("/")}"')


def set_up_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _default(field: Any) -> str:
    """The SQL value of a column the benchmark does not care about."""
    from django.db import models

    if field.null:
        return "NULL"
    fillers = [
        (models.JSONField, "'[]'::jsonb"),
        (models.BooleanField, "false"),
        (models.DateTimeField, "now()"),
        (models.DateField, "DATE '1980-01-01'"),
        (models.TimeField, "TIME '08:00'"),
        ((models.IntegerField, models.DecimalField, models.FloatField), "0"),
        (models.BinaryField, "''::bytea"),
    ]
    return next((sql for kind, sql in fillers if isinstance(field, kind)), "''")


def insert(model: Any, source: str, values: dict[str, str]) -> int:
    """INSERT … SELECT: every column of `model` from `values` (SQL over `source`), or a filler."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    selected = ", ".join(values.get(f.column, _default(f)) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{model._meta.db_table}" ({columns}) SELECT {selected} FROM {source}'
        )
        count: int = cursor.rowcount
    return count


def synthetic_clinic() -> tuple[Any, Any]:
    from django.db import connection, transaction

    from mesoclinic.accounts.models import Clinic, Role, User
    from mesoclinic.clinics.models import Practitioner, Room
    from mesoclinic.followup.models import SideEffectReport
    from mesoclinic.inventory.models import Lot, Product
    from mesoclinic.outcomes.models import GaisScore
    from mesoclinic.patients.models import Patient
    from mesoclinic.scheduling.models import Appointment, Course
    from mesoclinic.treatments.models import ChartPoint, Consent, ConsentTemplate, TreatmentSession

    with transaction.atomic():
        clinic = Clinic.objects.create(name="Large Clinic", timezone="UTC")
        people = [
            Practitioner.objects.create(
                clinic=clinic,
                user=User.objects.create(
                    username=f"p{n}",
                    last_name=f"Practitioner {n}",
                    clinic=clinic,
                    role=Role.PRACTITIONER,
                ),
            )
            for n in range(PRACTITIONERS)
        ]
        rooms = [Room.objects.create(clinic=clinic, name=f"Room {n}") for n in range(8)]
        products = [Product.objects.create(clinic=clinic, name=f"Product {n}") for n in range(4)]
        lots = [
            Lot.objects.create(
                clinic=clinic,
                product=products[n % 4],
                number=f"L{n:03d}",
                expires=dt.date(2030, 1, 1),
                quantity_received=10_000,
                quantity_left=10_000,
                received_on=dt.date(2024, 1, 1),
            )
            for n in range(100)
        ]
        template = ConsentTemplate.objects.create(
            clinic=clinic,
            treatment="standard",
            version=1,
            title="Consent",
            text="I agree.",
            written_by=people[0].user,
            written_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
        c, p0, r0, l0 = clinic.pk, people[0].pk, rooms[0].pk, lots[0].pk
        u0 = people[0].user_id
        insert(
            Patient,
            f"generate_series(1, {PATIENTS}) AS i",
            {
                "clinic_id": f"{c}",
                "given_name": "'Patient ' || i",
                "family_name": "'F' || (i % 997)",
                "birth_date": "DATE '1980-01-01' + (i % 9000)",
            },
        )
        insert(
            Course,
            f"generate_series(1, {PATIENTS}) AS i",
            {
                "clinic_id": f"{c}",
                "patient_id": "i",
                "protocol_id": "CASE WHEN i % 2 = 0 THEN 'standard' ELSE 'ref-000' END",
                "protocol_version": "'1'",
                "template_id": "'t'",
                "status": (
                    "CASE WHEN i % 10 < 6 THEN 'completed' WHEN i % 10 = 6 THEN 'cancelled'"
                    " ELSE 'active' END"
                ),
                "verdict": "CASE WHEN i % 7 = 0 THEN 'caution' ELSE 'clear' END",
                "override_reason": "CASE WHEN i % 49 = 0 THEN 'Discussed' ELSE '' END",
            },
        )
        start = (
            "TIMESTAMPTZ '2025-01-06 09:00+00' + ((((j - 1) / 10) % 600) * INTERVAL '1 day')"
            " + (((j - 1) % 10) * INTERVAL '14 days') + (((j - 1) / 6000) % 8) * INTERVAL '1 hour'"
        )
        insert(
            Appointment,
            f"generate_series(1, {PATIENTS * PER_PATIENT}) AS j",
            {
                "clinic_id": f"{c}",
                "patient_id": "(j - 1) / 10 + 1",
                "practitioner_id": f"{p0} + ((j - 1) / 10) % {PRACTITIONERS}",
                "room_id": f"{r0} + (j - 1) % 8",
                "start": start,
                "end": f"{start} + INTERVAL '1 hour'",
                "kind": "CASE WHEN (j - 1) % 10 < 6 THEN 'session' ELSE 'consultation' END",
                "status": "CASE WHEN j % 20 = 0 THEN 'noshow' ELSE 'fulfilled' END",
                "course_id": "CASE WHEN (j - 1) % 10 < 6 THEN (j - 1) / 10 + 1 END",
                "number": "CASE WHEN (j - 1) % 10 < 6 THEN (j - 1) % 10 + 1 END",
            },
        )
        insert(
            Consent,
            f"generate_series(1, {PATIENTS}) AS i",
            {
                "clinic_id": f"{c}",
                "patient_id": "i",
                "course_id": "i",
                "template_id": f"{template.pk}",
                "title": "'Consent'",
                "text": "'I agree.'",
                "photos_allowed": "true",
                "typed_name": "'Patient'",
                "agreed": "true",
                "signed_via": "'portal'",
                "recorded_by_id": f"{u0}",
            },
        )
        insert(
            TreatmentSession,
            "scheduling_appointment a WHERE a.number = 1",
            {
                "clinic_id": f"{c}",
                "patient_id": "a.patient_id",
                "appointment_id": "a.id",
                "practitioner_id": "a.practitioner_id",
                "consent_id": "a.course_id",
                "started_at": "a.start",
                "screening_verdict": "'clear'",
                "ended_at": "a.end",
                "signed_at": "a.end",
                "signed_by_id": f"{u0}",
                "started_by_id": f"{u0}",
            },
        )
        insert(
            ChartPoint,
            "treatments_treatmentsession s",
            {
                "session_id": "s.id",
                "map": "'face-front'",
                "area": "'face'",
                "x": "0.5",
                "y": "0.5",
                "lot_id": f"{l0} + s.id % 100",
                "depth_mm": "1",
                "volume_ml": "0.1",
                "technique": "'papules'",
            },
        )
        insert(
            SideEffectReport,
            "treatments_treatmentsession s WHERE s.id % 20 = 0",
            {
                "clinic_id": f"{c}",
                "patient_id": "s.patient_id",
                "session_id": "s.appointment_id",
                "practitioner_id": "s.practitioner_id",
                "effect": "CASE s.id % 3 WHEN 0 THEN 'nodules' ELSE 'redness' END",
                "area": "'face'",
                "started_on": "(s.ended_at + INTERVAL '2 days')::date",
                "severity": "'moderate'",
                "triage": (
                    "CASE s.id % 3 WHEN 0 THEN 'urgent' WHEN 1 THEN 'review' ELSE 'expected' END"
                ),
                "triage_reason": "'bench'",
                "reported_at": "s.ended_at + INTERVAL '2 days'",
                "acknowledged_at": "s.ended_at + INTERVAL '2 days 3 hours'",
                "status": "'acknowledged'",
            },
        )
        for rater, offset in (("practitioner", 0), ("patient", 1)):
            insert(
                GaisScore,
                "scheduling_course k WHERE k.status = 'completed'",
                {
                    "clinic_id": f"{c}",
                    "patient_id": "k.patient_id",
                    "course_id": "k.id",
                    "practitioner_id": f"{p0} + (k.patient_id - 1) % {PRACTITIONERS}",
                    "rater": f"'{rater}'",
                    "score": f"1 + (k.id + {offset}) % 5",
                    "recorded_by_id": f"{u0}",
                    "recorded_at": (
                        "TIMESTAMPTZ '2025-03-01 12:00+00' + ((k.id % 600) * INTERVAL '1 day')"
                    ),
                },
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{Patient.objects.count():,} patients, {Appointment.objects.count():,} appointments, "
        f"{TreatmentSession.objects.count():,} session records, "
        f"{SideEffectReport.objects.count():,} side-effect reports, "
        f"{GaisScore.objects.count():,} scores"
    )
    return clinic, people[3]


def time_reports(clinic: Any, practitioner: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mesoclinic.outcomes.reports import REPORTS, Scope, report_tables

    start = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    end = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for who, practitioner_id in (("clinic", None), ("one practitioner", practitioner.pk)):
        scope = Scope(clinic, start, end, practitioner_id)
        for name in REPORTS:
            seconds = []
            for _ in range(ROUNDS):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    report_tables(scope, name)
                    seconds.append(time.perf_counter() - began)
            print(
                f"{name:13} {who:17} median {statistics.median(seconds) * 1000:6.0f} ms, "
                f"slowest {max(seconds) * 1000:6.0f} ms, {len(queries)} queries"
            )
    time_patients_behind(Scope(clinic, start, end))


def time_patients_behind(scope: Any) -> None:
    """The first and the last page of the patients behind one figure, as the page reads them."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mesoclinic.outcomes.report_views import PATIENTS_PER_PAGE
    from mesoclinic.outcomes.reports import patients_behind

    behind = patients_behind(scope, "courses", "completed")
    for which, number in (("first", 1), ("last", "last")):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            page = Paginator(behind, PATIENTS_PER_PAGE).get_page(number)
            shown = list(page)
        print(
            f"patients behind 'courses completed', {which} page: {len(shown)} of "
            f"{page.paginator.count:,} in {(time.perf_counter() - began) * 1000:.0f} ms, "
            f"{len(queries)} queries"
        )


if __name__ == "__main__":
    main()
