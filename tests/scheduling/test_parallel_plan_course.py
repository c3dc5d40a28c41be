"""Eight `plan-course --book` runs at once, for eight patients of one clinic, all succeed.

Each run is a real process with its own connection, as eight scripts or terminals would be.
Each plans again under the clinic's booking lock, so none books a time another has just taken.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

RUNS = 8
SETUP = """
import datetime as dt, json, django
django.setup()
from django.utils import timezone
from tests import factories
from tests.scheduling.factories import open_clinic
clinic = factories.ClinicFactory(name="Harbour Skin Clinic")
practitioners = [
    factories.PractitionerFactory(clinic=clinic, user__username=f"dr{n}") for n in range(2)
]
open_clinic(clinic, practitioners)
patients = [factories.PatientFactory(clinic=clinic) for _ in range(RUNS)]
today = timezone.localdate(timezone=clinic.tzinfo)
print(json.dumps({"patients": [p.pk for p in patients], "from": str(today + dt.timedelta(days=7))}))
""".replace("RUNS", str(RUNS))


def in_process(env, *args, code=None):
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "mesoclinic", *args]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process, timeout=240):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


@pytest.fixture
def database_url(tmp_path):
    """A database of its own, migrated from scratch, that the processes share."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        name = f"mesoclinic_parallel_{uuid.uuid4().hex[:8]}"
        server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'parallel.sqlite3'}"


def test_eight_parallel_runs_for_eight_patients_all_book(database_url):
    # Eight writers queue for SQLite's one write lock: on a busy machine the wait passes the
    # default 20 s. This test is about who gets booked, not how fast.
    env = {**os.environ, "DATABASE_URL": database_url, "SQLITE_TIMEOUT": "180"}
    assert finished(in_process(env, "migrate", "--verbosity", "0"))[0] == 0
    code, out, err = finished(in_process(env, code=SETUP))
    assert code == 0, err
    setup = json.loads(out)
    runs = [
        in_process(
            env,
            "plan-course",
            str(patient),
            "--template",
            "ref-000",
            "--from",
            setup["from"],
            "--book",
            "--reason",
            "Returning patient, treated here last year",
            "--practitioner",
            "dr0",
            "--json",
        )
        for patient in setup["patients"]
    ]
    results = [finished(run) for run in runs]
    assert [(code, err) for code, _, err in results] == [(0, "")] * RUNS
    documents = [json.loads(out) for _, out, _ in results]
    assert all(len(d["sessions"]) == 6 and d["unplaced"] == [] for d in documents)
    # No two sessions share a practitioner or a room at one time.
    held = [
        (key, s["start"])
        for d in documents
        for s in d["sessions"]
        for key in (("practitioner", s["practitioner"]), ("room", s["room"]))
    ]
    assert len(held) == len(set(held))
    assert len({d["course"] for d in documents}) == RUNS
