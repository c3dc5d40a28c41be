"""API tokens: printed once by `mesoclinic api-token`, kept as a hash, revocable, staff only."""

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.accounts.models import ApiToken
from mesoclinic.accounts.tokens import STAFF_ONLY, user_for_token
from mesoclinic.audit.models import AuditEvent


def new_token(capsys, username):
    call_command("api-token", username, json=True)
    return json.loads(capsys.readouterr().out)


def test_a_new_token_is_printed_once_and_stored_as_its_hash(paula, capsys):
    printed = new_token(capsys, "paula")
    token = printed["token"]
    assert printed == {"username": "paula", "token": token}
    row = ApiToken.objects.get()
    assert (row.user, row.digest, row.prefix, row.revoked_at) == (
        paula,
        hashlib.sha256(token.encode()).hexdigest(),
        token[:9],
        None,
    )
    assert token not in {row.digest, row.prefix}
    assert user_for_token(token) == paula
    assert list(AuditEvent.objects.values_list("action", "summary")) == [
        ("create", f"API token {row.prefix}… for {paula} (read)")
    ]


def test_revoking_stops_every_token_of_the_user(paula, alice, capsys):
    first = new_token(capsys, "paula")["token"]
    second = new_token(capsys, "paula")["token"]
    kept = new_token(capsys, "alice")["token"]
    call_command("api-token", "paula", revoke=True, json=True)
    assert json.loads(capsys.readouterr().out) == {"username": "paula", "revoked": 2}
    assert [user_for_token(t) for t in (first, second, kept)] == [None, None, alice]


def test_patients_get_no_token_and_unknown_users_are_named(pat):
    with pytest.raises(CommandError) as raised:
        call_command("api-token", "pat")
    assert str(raised.value) == STAFF_ONLY.format(user="pat", role="patient")
    with pytest.raises(CommandError) as raised:
        call_command("api-token", "nobody")
    assert str(raised.value) == "No user named 'nobody'."
    assert ApiToken.objects.count() == 0


def test_a_deactivated_users_token_stops_working(paula, capsys):
    token = new_token(capsys, "paula")["token"]
    paula.is_active = False
    paula.save()
    assert user_for_token(token) is None
