"""Delivering 10,000 due reminders with one worker and with two, on PostgreSQL.

Run as `DATABASE_URL=postgres://… python bench/bench_reminders.py`: it creates (and drops again)
a database `<name>_bench_reminders` beside the one named, migrates it, then for one and for two
real `mesoclinic db_worker` processes (already started and idle, as in production) creates
10,000 due reminders, wakes the workers and times until every reminder is in the outbox, sent.
Emails go to Django's in-memory backend: what is timed is the claim, the rendering of each
templated email (plain text and HTML) and its outbox row. Goal: ≤ 10 s with one worker, ≥ 1.7×
as fast with two (which needs two free cores). Skips, saying why, without PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
REMINDERS = 10_000
MESOCLINIC = Path(sys.executable).with_name("mesoclinic")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("skipped: set DATABASE_URL to a PostgreSQL server (postgres://…)")
        return
    bench_url = fresh_database(url)
    try:
        os.environ["DATABASE_URL"] = bench_url
        set_up_django()
        appointment = first_appointment()
        seconds = {workers: deliver(appointment, workers, bench_url) for workers in (1, 2)}
    finally:
        drop_database(url, bench_url)
    one, two = seconds[1], seconds[2]
    print(f"1 worker:  {REMINDERS} reminders in {one:.2f} s ({REMINDERS / one:,.0f} a second)")
    print(f"2 workers: {REMINDERS} reminders in {two:.2f} s ({REMINDERS / two:,.0f} a second)")
    print(f"speed-up with two workers: {one / two:.2f}×")


def _admin(url: str, sql: str) -> None:
    import psycopg

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql)


def fresh_database(url: str) -> str:
    name = urlsplit(url).path.lstrip("/") or "mesoclinic"
    bench = f"{name}_bench_reminders"
    _admin(url, f'DROP DATABASE IF EXISTS "{bench}"')
    _admin(url, f'CREATE DATABASE "{bench}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{bench}"))


def drop_database(url: str, bench_url: str) -> None:
    from django.db import connections

    connections.close_all()
    _admin(url, f'DROP DATABASE IF EXISTS "{urlsplit(bench_url).path.lstrip("/")}"')


def set_up_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def first_appointment() -> Any:
    """One clinic, one patient with an email address, one appointment to hang reminders on."""
    import datetime as dt

    from mesoclinic.accounts.models import Clinic
    from mesoclinic.clinics.models import Practitioner, Room
    from mesoclinic.patients.models import Patient
    from mesoclinic.scheduling.models import Appointment

    clinic = Clinic.objects.create(name="Benchmark Clinic", phone="+44 20 7946 0000")
    patient = Patient.objects.create(
        clinic=clinic,
        given_name="Pat",
        family_name="Example",
        birth_date=dt.date(1985, 5, 17),
        email="pat@example.org",
    )
    from mesoclinic.accounts.models import User

    user = User.objects.create(username="paula", clinic=clinic, role="practitioner")
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    return Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        practitioner=Practitioner.objects.create(clinic=clinic, user=user, profession="doctor"),
        room=Room.objects.create(clinic=clinic, name="Room 1"),
        start=start,
        end=start + dt.timedelta(minutes=30),
        kind="session",
    )


def due_reminders(appointment: Any, tag: str) -> None:
    import datetime as dt

    from mesoclinic.followup.models import Reminder

    due = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    Reminder.objects.bulk_create(
        (
            Reminder(
                clinic_id=appointment.clinic_id,
                patient_id=appointment.patient_id,
                appointment=appointment,
                kind="check-in",
                key=f"{tag}-{n}",
                about_at=due,
                due_at=due,
                text=f"Day {n}: any redness, lumps, warmth or discharge?",
            )
            for n in range(REMINDERS)
        ),
        batch_size=2000,
    )


def deliver(appointment: Any, workers: int, url: str) -> float:
    """Seconds from waking `workers` idle workers until all the due reminders are sent."""
    from mesoclinic.followup.models import Reminder
    from mesoclinic.followup.tasks import reminders_send

    due_reminders(appointment, f"run{workers}")
    processes = [start_worker(url) for _ in range(workers)]
    time.sleep(5)  # Django starts in each worker; a worker in production is already up
    started = time.perf_counter()
    for _ in range(workers):
        reminders_send.enqueue()
    while Reminder.objects.filter(status="scheduled").exists():
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    for process in processes:
        process.send_signal(signal.SIGTERM)
        process.wait()
    return seconds


def start_worker(url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [str(MESOCLINIC), "db_worker", "--queue-name", "reminders", "--interval", "0.01"]
    return subprocess.Popen([*command, "--no-startup-delay", "--no-reload"], env=env, cwd=ROOT)


if __name__ == "__main__":
    main()
