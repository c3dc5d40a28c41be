"""Defect 1 and acceptance 3: production unless told otherwise, and no start without a real key.

Each check starts a fresh `mesoclinic` process with the environment a server would have.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from mesoclinic.accounts.models import Clinic

PRODUCTION_ENV = Path(__file__).resolve().parents[1] / "docs" / "production.env"
KEY = "k" * 20 + "ey-for-the-production-settings-test-0123456789"


def production_env(**changes):
    """docs/production.env as a server would get it, CHANGE-ME filled in, with `changes`."""
    # Only what a server has: none of the test run's own variables.
    kept = ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in kept}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = value.replace("CHANGE-ME", "x")
    env.update({"SECRET_KEY": KEY, "DATABASE_URL": "sqlite:///unused.sqlite3", **changes})
    return {k: v for k, v in env.items() if v is not None}


def mesoclinic(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [None, "", "insecure-development-key", "django-insecure-" + "x" * 50, "short-key"],
)
def test_the_server_refuses_to_start_without_a_real_secret_key(key):
    env = production_env()
    if key is None:
        env.pop("SECRET_KEY")
    else:
        env["SECRET_KEY"] = key
    result = mesoclinic(env, "check")
    assert result.returncode == 1
    assert "SECRET_KEY must be set to a random value of at least 50 characters" in result.stderr


def test_database_connections_are_kept_and_checked_unless_told_otherwise():
    read = "from django.db import connection as c; print(c.settings_dict['CONN_MAX_AGE'], "
    read += "c.settings_dict['CONN_HEALTH_CHECKS'])"
    env = production_env(DATABASE_CONN_MAX_AGE=None, DATABASE_CONN_HEALTH_CHECKS=None)

    kept = mesoclinic(env, "shell", "-c", read)
    told = mesoclinic(
        {**env, "DATABASE_CONN_MAX_AGE": "0", "DATABASE_CONN_HEALTH_CHECKS": "false"},
        "shell",
        "-c",
        read,
    )

    assert kept.stdout.splitlines()[-1] == "600 True"
    assert told.stdout.splitlines()[-1] == "0 False"


def test_postgresql_statements_are_prepared_after_five_runs_unless_told_otherwise():
    read = "from django.db import connection as c; print(c.settings_dict['OPTIONS'])"
    # Read from the settings alone: no server needs to answer at this address.
    env = production_env(
        DATABASE_URL="postgres://mesoclinic@127.0.0.1:9/mesoclinic", DATABASE_PREPARE_THRESHOLD=None
    )

    prepared = mesoclinic(env, "shell", "-c", read)
    never = mesoclinic({**env, "DATABASE_PREPARE_THRESHOLD": "0"}, "shell", "-c", read)

    assert prepared.stdout.splitlines()[-1] == (
        "{'server_side_binding': True, 'prepare_threshold': 5}"
    )
    assert never.stdout.splitlines()[-1] == (
        "{'server_side_binding': True, 'prepare_threshold': None}"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements on PostgreSQL")
@pytest.mark.django_db
def test_a_statement_sent_often_is_prepared_once_on_its_connection():
    statement = 'SELECT "accounts_clinic"."name" AS "name", "accounts_clinic"."id" AS "id" FROM %'

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                [statement],
            )
            return cursor.fetchone()[0]

    counts = []
    for clinic_id in range(1, 8):
        # A shape of query no other test sends, so no earlier test prepared it.
        list(Clinic.objects.filter(pk=clinic_id).values_list("name", "id"))
        counts.append(prepared())

    # Five runs, then the sixth prepares it; later runs, with other values, use it again.
    assert counts == [0, 0, 0, 0, 0, 1, 1]


def test_debug_is_off_unless_turned_on():
    env = production_env()
    env.pop("DEBUG")
    printed = mesoclinic(
        env, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"
    )
    assert printed.stdout.splitlines()[-1] == "False"


def test_check_deploy_is_clean_under_the_documented_production_settings():
    result = mesoclinic(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https_when_configured(client, db):
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
