"""A large clinic on PostgreSQL: 100,000 patients and 1,000,000 appointments, made in minutes.

`python bench/large_clinic.py [--patients N] [--appointments N]` (re)creates the database
`BENCH_DATABASE_URL` names (postgres://postgres@127.0.0.1:5432/mesoclinic_bench unless set),
migrates it and fills one clinic: 20 practitioners with a room each, a receptionist, the
patients with believable names, birth dates and phones, appointments back to back for each
practitioner (half an hour each, in working hours, years before and after today: the
calendar's weeks are full), a few history entries waiting for confirmation. The database
makes the rows itself (`INSERT … SELECT … FROM generate_series`, from one template row each),
faster than COPY from here, then ANALYZE. `bench_pages.py` uses it.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mesoclinic_bench"
PRACTITIONERS = 20
ROOMS = 20  # a room each: every practitioner's day is full
# Appointments start at these hours (UTC) on weekdays: 16 half hours from 08:00.
FIRST_HOUR, PER_DAY = 8, 16


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def answers(url: str) -> bool:
    """Whether the PostgreSQL server of `url` answers."""
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def server_env(url: str) -> dict[str, str]:
    """The environment the benchmark's server and commands run with."""
    key = "bench-only-key-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", key),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}{os.pathsep}{ROOT}",
    }


def create(url: str, patients: int, appointments: int) -> None:
    """A new database at `url`, migrated and filled."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = server_env(url)
    mesoclinic = [sys.executable, "-m", "mesoclinic"]
    subprocess.run([*mesoclinic, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run([*mesoclinic, "createcachetable"], env=env, check=True)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    fill(patients, appointments)


def fill(patients: int, appointments: int) -> None:
    """One clinic, its staff and rooms, then the patients and appointments by the database."""
    from django.db import connection

    from mesoclinic.accounts.models import Clinic, User
    from mesoclinic.clinics.models import OpeningHours, Practitioner, Room, WorkingHours
    from mesoclinic.patients.models import Condition, Patient
    from mesoclinic.scheduling.models import Appointment

    clinic = Clinic.objects.create(name="Large Clinic", timezone="UTC")
    User.objects.create(username="reception", clinic=clinic, role="reception")
    staff = [
        Practitioner.objects.create(
            user=User.objects.create(
                username=f"practitioner{n}",
                first_name="Pat",
                last_name=f"Nurse{n}",
                clinic=clinic,
                role="practitioner",
            ),
            clinic=clinic,
            profession="nurse",
        )
        for n in range(PRACTITIONERS)
    ]
    rooms = [Room.objects.create(clinic=clinic, name=f"Room {n + 1}") for n in range(ROOMS)]
    for day in range(5):
        OpeningHours.objects.create(clinic=clinic, weekday=day, starts=dt.time(8), ends=dt.time(16))
        for practitioner in staff:
            WorkingHours.objects.create(
                practitioner=practitioner, weekday=day, starts=dt.time(8), ends=dt.time(16)
            )
    first = Patient.objects.create(
        clinic=clinic, given_name="Ann", family_name="Adams", birth_date=dt.date(1980, 1, 1)
    )
    surnames = "ARRAY['Smith','Jones','Taylor','Brown','Wilson','Novak','Kowalski','Garcia']"
    given = "ARRAY['Olivia','Amelia','Grace','Noah','Oliver','Leo','Zoe','Mia']"
    copies(
        Patient,
        first.pk,
        patients - 1,
        {
            "family_name": f"({surnames})[1 + g %% 8] || (g %% 5000)",
            "family_key": f"lower(({surnames})[1 + g %% 8]) || (g %% 5000)",
            "given_name": f"({given})[1 + (g / 8) %% 8]",
            "given_key": f"lower(({given})[1 + (g / 8) %% 8])",
            "birth_date": "date '1940-01-01' + (g %% 25000)",
            "phone": "'07700 ' || lpad((g %% 1000000)::text, 6, '0')",
            "phone_key": "'07700' || lpad((g %% 1000000)::text, 6, '0')",
            "fhir_id": "'p-' || g",
        },
    )
    # Each practitioner's appointment g: slot g % 16 of working day g // 16 (weekends skipped),
    # from as many weeks back as ahead of today, in the practitioner's own room.
    per_practitioner = appointments // PRACTITIONERS
    weeks_back = per_practitioner // PER_DAY // 5 // 2
    today = dt.datetime.now(dt.UTC).date()
    start_day = today - dt.timedelta(days=today.weekday(), weeks=weeks_back)
    moment = (
        "tpl.start + ((g / 16) / 5 * 7 + (g / 16) %% 5) * interval '1 day' "
        "+ (g %% 16) * interval '30 minutes'"
    )
    for index, practitioner in enumerate(staff):
        template = Appointment.objects.create(
            clinic=clinic,
            patient=first,
            practitioner=practitioner,
            room=rooms[index],
            start=dt.datetime.combine(start_day, dt.time(FIRST_HOUR), tzinfo=dt.UTC),
            end=dt.datetime.combine(start_day, dt.time(FIRST_HOUR, 30), tzinfo=dt.UTC),
            kind="consultation",
        )
        copies(
            Appointment,
            template.pk,
            per_practitioner - 1,
            {
                "start": moment,
                "end": f"{moment} + interval '30 minutes'",
                "patient_id": f"{first.pk} + (g * 7919 + {index}) %% {patients}",
            },
        )
    entry = Condition.objects.create(patient=first, text="Hay fever", entered_by="staff")
    copies(Condition, entry.pk, patients, {"patient_id": f"{first.pk} + g %% {patients}"})
    copies(
        Condition,
        entry.pk,
        30,
        {"patient_id": f"{first.pk} + g * 97", "entered_by": "'patient'", "text": "'Migraine'"},
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{Patient.objects.count():,} patients, {Appointment.objects.count():,} appointments "
        f"in {connection.settings_dict['NAME']}"
    )


def copies(model: Any, template_pk: int, count: int, changes: dict[str, str]) -> None:
    """`count` copies of one row made by the database; `changes` computes columns from g."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = ", ".join(changes.get(c, f'tpl."{c}"') for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) SELECT {values} "
            f"FROM generate_series(1, %s) AS g, {table} AS tpl WHERE tpl.id = %s",
            [count, template_pk],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=1_000_000)
    options = parser.parse_args()
    url = database_url()
    if not answers(url):
        sys.exit(f"PostgreSQL does not answer at {url}")
    create(url, options.patients, options.appointments)


if __name__ == "__main__":
    main()
