"""Real `mesoclinic db_worker` processes on the test's own PostgreSQL database."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MESOCLINIC = Path(sys.executable).with_name("mesoclinic")


def database_url():
    """The address of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def start_worker(batch=20, email_backend="tests.followup.slow_mail.SlowEmailBackend"):
    """A worker that runs every reminder task waiting, then exits."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": email_backend,
        "REMINDERS_BATCH": str(batch),
        "PYTHONPATH": str(ROOT),
    }
    command = [str(MESOCLINIC), "db_worker", "--queue-name", "reminders", "--batch"]
    command += ["--no-startup-delay", "--no-reload"]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
