"""Signing in, throttling, and password reset by email."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from mesoclinic.accounts.throttle import lockout_message
from mesoclinic.audit.models import AuditEvent
from tests.factories import PASSWORD

# Emailed links point at the configured site address, not at the host a request named.
SITE_LINK = re.escape(settings.SITE_URL) + r"(/password-reset/\S+/)"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2():
    from mesoclinic import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_sign_in_leads_to_the_dashboard_and_is_audited(client, alice):
    response = sign_in(client, "alice")
    assert (response.status_code, response.url) == (302, reverse("home"))
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.actor_label, event.ip_address) == (alice, "alice", "127.0.0.1")


def test_wrong_password_shows_an_error_and_is_audited(client, alice):
    response = sign_in(client, "alice", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0].startswith("Please enter a correct")
    assert list(AuditEvent.objects.values_list("action", "actor_label")) == [
        ("login-failed", "alice")
    ]


def test_too_many_failures_lock_the_account_even_with_the_right_password(client, alice):
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        sign_in(client, "alice", "wrong")
    response = sign_in(client, "alice")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [lockout_message()]
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client, alice, rita):
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "rita").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert client.get(reverse("home")).templates[0].name == "registration/login.html"


@pytest.mark.parametrize("email", ["alice@example.org", "ALICE@example.org"])
def test_password_reset_by_email(client, alice, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": email})
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    link = re.search(SITE_LINK, mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a new and long passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.url == reverse("password_reset_complete")
    assert sign_in(client, "alice", new_password).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (response.status_code, response.url, mail.outbox) == (
        302,
        reverse("password_reset_done"),
        [],
    )
