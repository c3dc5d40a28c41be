"""Defect 6: sign-in throttling could be raced, could lock anyone out behind a proxy, and password
resets were not limited. Now every attempt is counted before its password is checked, per
account and per client address (from a trusted proxy), and a victim is never locked out.
"""

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import signals
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.forms import THROTTLED
from mesoclinic.accounts.throttle import SLOWED_DOWN, lockout_message
from mesoclinic.audit.models import AuditEvent
from tests.factories import PASSWORD

LIMIT = 5
T0 = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def sign_in(address, username="alice", password="wrong", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    return client.post(reverse("login"), {"username": username, "password": password})


def errors(response):
    return response.context["form"].errors.get("__all__", []) if response.context else []


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_an_address_that_guessed_too_often_is_locked_out_of_that_account(frozen, alice):
    for _ in range(LIMIT):
        sign_in("203.0.113.9")
    locked = sign_in("203.0.113.9", password=PASSWORD)
    assert (locked.status_code, errors(locked)) == (200, [lockout_message()])
    assert AuditEvent.objects.filter(summary=THROTTLED).values_list("clinic_id")[0] == (
        alice.clinic_id,
    )


def test_the_owner_at_a_known_address_is_never_locked_out(frozen, alice):
    assert sign_in("192.0.2.10", password=PASSWORD).status_code == 302  # known from now on
    for n in range(40):
        sign_in(f"203.0.113.{n}")  # guesses from many addresses
    assert sign_in("192.0.2.10", password=PASSWORD).status_code == 302


def test_guesses_from_many_new_addresses_wait_longer_and_longer(frozen, alice):
    for n in range(LIMIT + 1):
        sign_in(f"203.0.113.{n}")
    # Past the limit each further attempt from a new address waits: 1 s, then 2 s, 4 s…
    waiting = sign_in("203.0.113.200", password=PASSWORD)
    assert errors(waiting) == [SLOWED_DOWN.format(seconds=2)]
    frozen.shift(dt.timedelta(seconds=2))
    assert sign_in("203.0.113.201").status_code == 200
    assert errors(sign_in("203.0.113.202")) == [SLOWED_DOWN.format(seconds=3)]
    frozen.shift(dt.timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS))
    assert sign_in("203.0.113.203", password=PASSWORD).status_code == 302


@pytest.mark.parametrize("trusted", [True, False])
def test_behind_a_trusted_proxy_each_client_counts_for_itself(frozen, alice, settings, trusted):
    settings.TRUSTED_PROXIES = ["10.0.0.1"] if trusted else []
    for n in range(LIMIT):
        sign_in("10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.7, 203.0.113.{n}")
    owner = sign_in("10.0.0.1", password=PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.44")
    # Trusted: the proxy says who the client is, and the owner is not the guesser.
    assert owner.status_code == (302 if trusted else 200)


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(frozen, alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    sign_in("203.0.113.5", password=PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert AuditEvent.objects.get(action="login").ip_address == "203.0.113.5"


def test_password_reset_sends_at_most_the_limit_per_address(
    frozen, alice, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(reverse("password_reset"), {"email": "alice@example.org"})
            for _ in range(20)
        ]
    assert {r.url for r in answers} == {reverse("password_reset_done")}
    assert len(mail.outbox) == settings.PASSWORD_RESET_THROTTLE_ATTEMPTS == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel connections")
@pytest.mark.django_db(transaction=True)
def test_forty_parallel_guesses_get_exactly_the_limit_of_password_checks(alice):
    checked = []
    signals.user_login_failed.connect(lambda **kwargs: checked.append(1), weak=False)
    start = threading.Barrier(40)

    def guess():
        try:
            start.wait()
            sign_in("203.0.113.9")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signals.user_login_failed.receivers.clear()
    assert len(checked) == LIMIT
