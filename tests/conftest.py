"""The fixed cast every test can use, always with an intruder from another clinic.

Harbour Skin Clinic: Alice (admin), Paula (practitioner), Rita (reception), and Pat, a patient
record whose portal login is `pat.user`.
Riverside Aesthetics: Charlie (admin) and Peter (a patient record): they must never see
Harbour's data.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from mesoclinic.accounts.models import STAFF_ROLES
from mesoclinic.audit.database import SQLITE_DROP_TRIGGERS, SQLITE_TRIGGERS
from tests import factories
from tests.live_server import use_for_the_live_server
from tests.second_factor import verified_device

use_for_the_live_server()

# Playwright runs an event loop in the test thread; Django's ORM is still used synchronously there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser):
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        help="run the whole suite with the clock moved this many days (negative: back)",
    )


def pytest_configure(config):
    """Move the clock for the whole run, so a test that leans on today's date fails every day."""
    # WhiteNoise serves collected static files from here (empty until `collectstatic`).
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    days = config.getoption("--clock-shift-days")
    if days:
        shifted = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
        config._clock_shift = time_machine.travel(shifted, tick=True)
        config._clock_shift.start()


def pytest_unconfigure(config):
    shift = getattr(config, "_clock_shift", None)
    if shift is not None:
        shift.stop()


def pytest_report_header(config):
    days = config.getoption("--clock-shift-days")
    today = dt.datetime.now(dt.UTC).date()
    return f"clock moved {days:+d} days: today is {today} (UTC)" if days else None


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Argon2 is deliberately slow; tests that create many users use a fast hasher instead."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(staff)` signs in as a real sign-in would end: second factor checked.

    The rule itself is unchanged: a session without a checked device is sent to the second step
    (tests/accounts/test_second_factor.py signs in the long way).
    """
    force_login = Client.force_login

    def signed_in_with_second_factor(client, user, backend=None):
        force_login(client, user, backend)
        if user.role in STAFF_ROLES:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", signed_in_with_second_factor)


@pytest.fixture(autouse=True)
def audit_flush_between_transactional_tests(request, django_db_blocker):
    """Let Django empty the SQLite database after a test that commits (live server, threads).

    The audit trail's delete trigger would refuse the flush; it is back once the flush is done.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if not transactional or connection.vendor != "sqlite":
        yield
        return
    with django_db_blocker.unblock():
        connection.cursor().executescript(SQLITE_DROP_TRIGGERS)
    yield


def audit_triggers_back_after_flush(using, **kwargs):
    """Django's flush ends by announcing a migration: the audit triggers come back then."""
    if connection.vendor == "sqlite":
        connection.cursor().executescript(SQLITE_TRIGGERS)


post_migrate.connect(audit_triggers_back_after_flush, weak=False)


@pytest.fixture(autouse=True)
def media_of_its_own(settings, tmp_path_factory):
    """The photos and PDFs a test keeps go to a folder of its own, never into var/media, where a
    developer's demo clinic keeps its files."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def frozen_now():
    """Saturday 21 November 2026, 10:00 UTC: the Monday courses start on is nine days away."""
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def harbour(db):
    return factories.ClinicFactory(name="Harbour Skin Clinic")


@pytest.fixture
def riverside(db):
    return factories.ClinicFactory(name="Riverside Aesthetics", timezone="Europe/Paris")


@pytest.fixture
def alice(harbour):
    return factories.UserFactory(username="alice", clinic=harbour, role="admin")


@pytest.fixture
def paula(harbour):
    return factories.PractitionerFactory(user__username="paula", clinic=harbour).user


@pytest.fixture
def rita(harbour):
    return factories.UserFactory(username="rita", clinic=harbour, role="reception")


@pytest.fixture
def pat(harbour):
    return factories.PatientFactory(clinic=harbour, given_name="Pat", with_account="pat")


@pytest.fixture
def charlie(riverside):
    return factories.UserFactory(username="charlie", clinic=riverside, role="admin")


@pytest.fixture
def peter(riverside):
    return factories.PatientFactory(clinic=riverside, given_name="Peter", with_account="peter")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
