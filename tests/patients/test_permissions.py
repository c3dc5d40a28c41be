"""Every patient page tried by every kind of intruder: other clinic, wrong role, anonymous."""

import pytest
from django.urls import reverse

from tests.patients.factories import ConditionFactory


@pytest.fixture
def pages(pat):
    """(url, method) of every staff page about Pat, Harbour's patient."""
    entry = ConditionFactory(patient=pat, entered_by="patient")
    return {
        "chart": (reverse("chart", args=[pat.pk]), "get"),
        "edit": (reverse("patients:edit", args=[pat.pk]), "get"),
        "history-new": (reverse("patients:history-new", args=[pat.pk, "condition"]), "get"),
        "history-edit": (
            reverse("patients:history-edit", args=[pat.pk, "condition", entry.pk]),
            "get",
        ),
        "history-confirm": (
            reverse("patients:history-confirm", args=[pat.pk, "condition", entry.pk]),
            "post",
        ),
        "intake-link": (reverse("patients:intake-link", args=[pat.pk]), "post"),
    }


def status_of(client, url, method):
    return getattr(client, method)(url).status_code


def test_anonymous_visitors_are_sent_to_login(client, pages):
    urls = [url for url, _ in pages.values()] + [
        reverse("patients:search"),
        reverse("patients:new"),
        reverse("patients:codes", args=["medication"]),
    ]
    responses = [client.get(url) for url in urls]
    assert [(r.status_code, r.url) for r in responses] == [
        (302, f"/login/?next={url}") for url in urls
    ]


def test_another_clinics_admin_finds_none_of_harbours_patients(client_for, charlie, pages):
    client = client_for(charlie)
    assert {name: status_of(client, url, m) for name, (url, m) in pages.items()} == {
        name: 404 for name in pages
    }


def test_reception_opens_the_chart_but_not_clinical_pages(client_for, rita, pages):
    client = client_for(rita)
    assert {name: status_of(client, url, m) for name, (url, m) in pages.items()} == {
        "chart": 200,
        "edit": 200,
        "history-new": 403,
        "history-edit": 403,
        "history-confirm": 403,
        "intake-link": 302,
    }
    assert client.get(reverse("patients:codes", args=["medication"])).status_code == 403


def test_a_patient_cannot_open_staff_pages_not_even_their_own_chart(client_for, pat, pages):
    client = client_for(pat.user)
    assert {name: status_of(client, url, m) for name, (url, m) in pages.items()} == {
        name: 403 for name in pages
    }
    assert client.get(reverse("patients:search")).status_code == 403


def test_another_clinics_patient_is_404_for_harbour_staff(client_for, paula, peter):
    client = client_for(paula)
    urls = [
        reverse("chart", args=[peter.pk]),
        reverse("patients:edit", args=[peter.pk]),
        reverse("patients:history-new", args=[peter.pk, "medication"]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(urls[1], {"given_name": "Hijacked"}).status_code == 404
    peter.refresh_from_db()
    assert peter.given_name == "Peter"


def test_confirming_needs_a_post(client_for, paula, pages):
    url, _ = pages["history-confirm"]
    assert client_for(paula).get(url).status_code == 405


def test_impossible_ids_are_not_found_not_an_error(client_for, paula, pat):
    client = client_for(paula)
    urls = [
        f"/patients/{'9' * 25}/",
        "/patients/0/",
        f"/api/v1/patients/{'9' * 25}/screening",
        f"/patients/{pat.pk}/condition/{'9' * 25}/",
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
