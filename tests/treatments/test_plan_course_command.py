"""`mesoclinic plan-course` without a plan, and the same through the scheduling JSON API.

A course booked without a signed consultation needs a practitioner's written reason.
"""

import json
from importlib import import_module

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.clinical.areas import AREAS
from mesoclinic.scheduling.gate import (
    NEEDS_CONSULTATION,
    NEEDS_OVERRIDE,
    ONLY_PRACTITIONERS_WITHOUT_PLAN,
)
from mesoclinic.scheduling.models import Course
from tests.scheduling.factories import pregnant

pytestmark = pytest.mark.usefixtures("frozen_now")

COMMAND = import_module("mesoclinic.treatments.management.commands.plan-course")
NEEDS_PLAN, PLAN_OR_TEMPLATE = COMMAND.NEEDS_PLAN, COMMAND.PLAN_OR_TEMPLATE


def session(number, day, start, end):
    return {
        "number": number,
        "start": f"{day}T{start}:00+00:00",
        "end": f"{day}T{end}:00+00:00",
        "practitioner": "Paula Tester",
        "room": "Room 1",
    }


def window(number, earliest, latest, optional=False):
    return {"number": number, "earliest": earliest, "latest": latest, "optional": optional}


EXPECTED = {
    "template": "ref-002/course",
    "windows": [
        window(1, "2026-11-30", "2027-03-30"),
        window(2, "2026-12-14", "2026-12-28"),
        window(3, "2026-12-29", "2027-01-12"),
        window(4, "2027-01-13", "2027-01-27"),
    ],
    # Each session is planned a day inside its window (15 of 14–28 days), so it can move alone.
    "sessions": [
        session(1, "2026-11-30", "09:00", "09:30"),
        session(2, "2026-12-15", "09:00", "09:30"),
        session(3, "2026-12-30", "09:00", "09:30"),
        session(4, "2027-01-14", "09:00", "09:30"),
    ],
    "unplaced": [],
}


def run(capsys, *args):
    call_command("plan-course", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_plan_course_prints_the_spec_document_and_books_nothing(capsys, rooms, pat):
    assert (
        run(capsys, str(pat.pk), "--template=ref-002", "--from=2026-11-30", "--sessions=4")
        == EXPECTED
    )
    assert Course.objects.count() == 0


def test_plan_course_finds_a_patient_by_fhir_id_and_books_with_book(capsys, rooms, pat):
    pat.fhir_id = "synthea-123"
    pat.save()
    printed = run(
        capsys,
        "synthea-123",
        "--template=ref-002/course",
        "--from=2026-11-30",
        "--sessions=4",
        "--book",
        "--reason=Referred by her dermatologist after a consultation there",
        "--practitioner=paula",
    )
    course = Course.objects.get()
    assert printed == {**EXPECTED, "course": course.pk}
    assert (course.sessions.count(), course.unplanned_reason, course.unplanned_by) == (
        4,
        "Referred by her dermatologist after a consultation there",
        pat.clinic.practitioners.get().user,
    )


def refusal(*args):
    with pytest.raises(CommandError) as refused:
        call_command("plan-course", *args)
    return str(refused.value)


def test_plan_course_refuses_what_it_cannot_do(rooms, pat):
    key = str(pat.pk)
    assert refusal("nobody", "--template=ref-002", "--from=2026-11-30") == (
        "no patient has the id or FHIR id 'nobody'"
    )
    assert refusal(key, "--template=ref-002/booster", "--from=2026-11-30") == (
        "protocol ref-002 has no course template 'booster'; its templates: course"
    )
    assert refusal(key, "--template=ref-002", "--from=2026-11-30", "--areas=elbow") == (
        "unknown area 'elbow'; known areas are: " + ", ".join(AREAS)
    )
    assert refusal(key, "--from=2026-11-30") == PLAN_OR_TEMPLATE
    assert refusal(key, "--template=ref-002", "--from=2026-11-30", "--book") == NEEDS_PLAN
    assert (
        refusal(key, "--template=ref-002", "--from=2026-11-30", "--book", "--reason=Seen elsewhere")
        == NEEDS_PLAN
    )
    assert (
        refusal(
            key,
            "--template=ref-002",
            "--from=2026-11-30",
            "--book",
            "--reason=Seen elsewhere",
            "--practitioner=rita",
        )
        == f"--practitioner rita: no practitioner of {pat.clinic} has that username."
    )
    pregnant(pat)
    assert refusal(
        key,
        "--template=standard",
        "--from=2026-11-30",
        "--book",
        "--reason=Seen elsewhere",
        "--practitioner=paula",
    ) == NEEDS_OVERRIDE.format(patient=pat, concepts="pregnancy")
    assert Course.objects.count() == 0


def api_body(pat, **extra):
    return {
        "patient": str(pat.pk),
        "template": "ref-002",
        "from": "2026-11-30",
        "sessions": 4,
        **extra,
    }


def test_the_api_plans_and_books_like_the_command(client_for, rita, paula, rooms, pat):
    planned = client_for(rita).post(
        "/api/v1/scheduling/courses/plan", api_body(pat), content_type="application/json"
    )
    assert (planned.status_code, planned.json()) == (200, EXPECTED)
    client = client_for(paula)
    refused = client.post(
        "/api/v1/scheduling/courses/book", api_body(pat), content_type="application/json"
    )
    assert (refused.status_code, refused.json()) == (
        422,
        {"detail": NEEDS_CONSULTATION.format(patient=pat)},
    )
    reason = {"unplanned_reason": "Consulted at her previous clinic last month"}
    booked = client.post(
        "/api/v1/scheduling/courses/book", api_body(pat, **reason), content_type="application/json"
    )
    course = Course.objects.get()
    assert (booked.status_code, booked.json()) == (201, {**EXPECTED, "course": course.pk})
    again = client.post(
        "/api/v1/scheduling/courses/book",
        api_body(pat, sessions=4, **reason),
        content_type="application/json",
    )
    assert (again.status_code, again.json()["sessions"][0]["start"]) == (
        201,
        "2026-11-30T09:30:00+00:00",
    )
    assert Course.objects.get(pk=course.pk).unplanned_reason == reason["unplanned_reason"]


def test_reception_cannot_book_without_a_consultation_through_the_api(client_for, rita, rooms, pat):
    body = api_body(pat, unplanned_reason="She asked for it")
    refused = client_for(rita).post(
        "/api/v1/scheduling/courses/book", body, content_type="application/json"
    )
    assert (refused.status_code, refused.json(), Course.objects.count()) == (
        422,
        {"detail": ONLY_PRACTITIONERS_WITHOUT_PLAN},
        0,
    )


def test_the_api_keeps_intruders_out(client, client_for, charlie, pat, peter, rooms):
    url = "/api/v1/scheduling/courses/plan"
    other = client_for(charlie).post(url, api_body(pat), content_type="application/json")
    assert (other.status_code, other.json()) == (
        404,
        {"detail": f"no patient has the id or FHIR id '{pat.pk}'"},
    )
    patient = client_for(pat.user).post(url, api_body(pat), content_type="application/json")
    assert (patient.status_code, patient.json()) == (
        403,
        {"detail": "Only clinic staff can plan and book courses."},
    )
    client.logout()
    assert client.post(url, api_body(pat), content_type="application/json").status_code == 401


def test_the_api_documents_plan_and_book(client_for, rita):
    schema = client_for(rita).get("/api/v1/openapi.json").json()
    paths = {p: sorted(schema["paths"][p]) for p in schema["paths"] if "/scheduling/" in p}
    assert paths == {
        "/api/v1/scheduling/courses/book": ["post"],
        "/api/v1/scheduling/courses/plan": ["post"],
    }
    assert sorted(schema["components"]["schemas"]["PlanRequest"]["properties"]) == [
        "areas",
        "from",
        "patient",
        "same_practitioner",
        "sessions",
        "template",
        "time_of_day",
        "weekdays",
    ]
