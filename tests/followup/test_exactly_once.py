"""Two real workers send a few hundred due reminders; one is killed mid-run. Every reminder
leaves once, counted in the outbox, and none twice: the survivor sends what the killed one held.
"""

import datetime as dt
import signal
import time

import pytest
from django.db import connection

from mesoclinic.followup.models import Reminder
from mesoclinic.followup.tasks import reminders_send
from mesoclinic.outbox.models import Email
from tests import factories
from tests.followup.workers import start_worker
from tests.scheduling.factories import AppointmentFactory

REMINDERS = 300

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SKIP LOCKED row claims are PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def database_worker(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email", "reminders"],
        }
    }


def due_reminders(count):
    """`count` reminders of one appointment, all due an hour ago."""
    clinic = factories.ClinicFactory(name="Harbour Skin Clinic")
    patient = factories.PatientFactory(clinic=clinic, email="pat@example.org")
    appointment = AppointmentFactory(patient=patient)
    due = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    Reminder.objects.bulk_create(
        Reminder(
            clinic=clinic,
            patient=patient,
            appointment=appointment,
            kind="check-in",
            key=f"day-{n}",
            about_at=due,
            due_at=due,
            text=f"Check-in {n}",
        )
        for n in range(count)
    )


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the workers did not get there in time"
        time.sleep(0.05)


def test_two_workers_one_killed_mid_run_send_every_reminder_exactly_once(database_worker):
    due_reminders(REMINDERS)
    for _ in range(4):  # one each, one for whichever is left, one the killed worker holds
        reminders_send.enqueue()
    doomed, survivor = start_worker(), start_worker()
    wait_for(lambda: Email.objects.count() >= 40)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    sent_when_killed = Email.objects.count()
    survivor.wait(timeout=120)
    keys = list(Email.objects.values_list("key", flat=True))
    assert (survivor.returncode, 0 < sent_when_killed < REMINDERS) == (0, True)
    assert (len(keys), len(set(keys))) == (REMINDERS, REMINDERS)
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(keys) == sorted(
        f"reminder-{r.pk}-{r.due_at:%Y%m%d%H%M}" for r in Reminder.objects.all()
    )
