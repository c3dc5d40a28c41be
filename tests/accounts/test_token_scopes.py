"""API tokens carry scopes and an expiry, are listed and revoked one by one, every use audited;
a bearer request is never refused for CSRF because a stale session cookie came with it.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mesoclinic.accounts.models import ApiToken
from mesoclinic.accounts.permissions import OUT_OF_SCOPE
from mesoclinic.accounts.tokens import TokenRefused, api_token_create, token_digest
from mesoclinic.audit.models import AuditEvent

T0 = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def bearer(token, **extra):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_a_read_token_reads_but_neither_imports_nor_books(paula, pat):
    token = api_token_create(paula, scopes=["read"])
    client = bearer(token)
    assert client.get("/api/v1/patients/").status_code == 200
    imported = client.post("/api/v1/fhir/import", "{}", content_type="application/fhir+json")
    booked = client.post(
        "/api/v1/scheduling/courses/book",
        json.dumps({"patient": str(pat.pk), "template": "ref-000", "from": "2026-12-07"}),
        content_type="application/json",
    )
    prefix = token[:9]
    assert [(r.status_code, r.json()["detail"]) for r in (imported, booked)] == [
        (403, OUT_OF_SCOPE.format(prefix=prefix, scope="import")),
        (403, OUT_OF_SCOPE.format(prefix=prefix, scope="book")),
    ]
    uses = AuditEvent.objects.filter(summary__contains="used:").values_list("summary", flat=True)
    assert sorted(uses) == sorted(
        [
            f"API token {prefix}… used: GET /api/v1/patients/",
            f"API token {prefix}… used: POST /api/v1/fhir/import",
            f"API token {prefix}… used: POST /api/v1/scheduling/courses/book",
        ]
    )


def test_a_token_stops_working_when_it_expires(paula):
    with time_machine.travel(T0, tick=False) as clock:
        token = api_token_create(paula, lifetime=dt.timedelta(days=7))
        assert bearer(token).get("/api/v1/patients/").status_code == 200
        clock.shift(dt.timedelta(days=7, seconds=1))
        assert bearer(token).get("/api/v1/patients/").status_code == 401


@pytest.mark.parametrize(
    ("scopes", "days"), [(["everything"], 30), ([], 30), (["read"], 0), (["read"], 400)]
)
def test_a_token_needs_known_scopes_and_a_sensible_life(paula, scopes, days):
    with pytest.raises(TokenRefused):
        api_token_create(paula, scopes=scopes, lifetime=dt.timedelta(days=days))


def test_staff_make_list_and_revoke_their_tokens_one_by_one(client_for, rita):
    client = client_for(rita)
    made = client.post(reverse("accounts:security"), {"scopes": ["read", "book"], "days": 30})
    token = made.context["new_token"]
    kept = api_token_create(rita)
    row = ApiToken.objects.get(digest=token_digest(token))
    assert (row.scope_list, [t.pk for t in made.context["tokens"]]) == (["read", "book"], [row.pk])
    client.post(reverse("accounts:token-revoke", args=[row.pk]))
    listed = client.get(reverse("accounts:security")).context["tokens"]
    assert [t.prefix for t in listed] == [kept[:9]]
    assert bearer(token).get("/api/v1/patients/").status_code == 401


def test_the_admin_revokes_a_staff_members_token_but_not_another_clinics(
    client_for, alice, rita, charlie
):
    row = ApiToken.objects.get(digest=token_digest(api_token_create(rita)))
    assert client_for(charlie).post(
        reverse("accounts:token-revoke", args=[row.pk])
    ).status_code == (404)
    client_for(alice).post(reverse("accounts:token-revoke", args=[row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_a_bearer_request_with_a_stale_session_cookie_is_not_refused_for_csrf(paula):
    token = api_token_create(paula, scopes=["import"])
    client = bearer(token, enforce_csrf_checks=True)
    client.cookies["sessionid"] = "stale-session-from-yesterday"
    body = '{"resourceType": "Patient", "id": "p1", "name": [{"family": "Shore"}]}'
    response = client.post("/api/v1/fhir/import", body, content_type="application/fhir+ndjson")
    assert (response.status_code, response.json()["imported"]) == (200, {"Patient": 1})
