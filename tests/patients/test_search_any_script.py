"""Defect 2: search answered 500 to a query without an ASCII letter or digit (`?q=Иван`).

Names in any script are found, case- and accent-folded alike on SQLite and PostgreSQL, because
the keys are made in Python and compared as they are.
"""

import pytest
from django.urls import reverse

from mesoclinic.patients.models import search_key
from tests.factories import PatientFactory


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Zoë-Ann", "zoe ann"),
        ("STRAßE", "strasse"),
        ("Иван Петров", "иван петров"),
        ("王芳", "王芳"),
        ("ΣΩΚΡΆΤΗΣ", "σωκρατησ"),
        ("Łukasz Ørsted", "lukasz orsted"),
        ("Nguyễn", "nguyen"),
        ("!!! ???", ""),
    ],
)
def test_search_keys_fold_case_and_accents_in_any_script(name, key):
    assert search_key(name) == key


@pytest.fixture
def far_and_wide(harbour):
    for given, family in [
        ("Иван", "Петров"),
        ("芳", "王"),
        ("Σωκράτης", "Παπαδόπουλος"),
        ("Łukasz", "Nowak"),
        ("Grace", "Wilson"),
    ]:
        PatientFactory(clinic=harbour, given_name=given, family_name=family)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Иван", ["Иван Петров"]),
        ("иВАН пет", ["Иван Петров"]),
        ("王", ["芳 王"]),
        ("σωκρ", ["Σωκράτης Παπαδόπουλος"]),
        ("ΠΑΠΑΔΟΠΟΥΛΟΣ", ["Σωκράτης Παπαδόπουλος"]),
        ("lukasz", ["Łukasz Nowak"]),
        ("★", []),
        ("!!!", []),
        ("--", []),
    ],
)
def test_the_page_and_the_api_find_names_in_any_script(
    client_for, rita, far_and_wide, query, found
):
    client = client_for(rita)
    page = client.get(reverse("patients:search"), {"q": query})
    api = client.get("/api/v1/patients/", {"q": query})
    assert (page.status_code, [p.full_name for p in page.context["page"]]) == (200, found)
    assert (api.status_code, [f"{p['given_name']} {p['family_name']}" for p in api.json()]) == (
        200,
        found,
    )
