"""Defect 3: on SQLite a FHIR export held the write lock, and reads failed while it ran.

A real SQLite file, a real export thread slowed to several seconds, and a reader whose lock
timeout is one second: every read succeeds (each writes its audit row meanwhile).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("export_while_reading.py")


def run(args, env):
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=240, check=True
    ).stdout


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite write lock")
def test_reads_go_on_while_a_long_export_runs(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        "SQLITE_TIMEOUT": "1",
        "DJANGO_SETTINGS_MODULE": "mesoclinic.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    run([sys.executable, "-m", "mesoclinic", "migrate", "--verbosity", "0"], env)
    printed = run([sys.executable, str(SCRIPT), str(tmp_path / "export")], env)
    assert json.loads(printed) == {"reads": 18, "failed": 0, "exported": {"Patient": 12}}
    assert (tmp_path / "export" / "Patient.ndjson").read_text().count("\n") == 12
