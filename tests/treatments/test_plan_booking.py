"""The plan's course is booked from the plan (page, API, `plan-course --plan`), which sets its
template and areas; a draft or another treatment books nothing."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.gate import NOT_THE_PLAN, BookingRefused
from mesoclinic.scheduling.models import Course
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.queries import NOT_RECOMMENDED, NOT_SIGNED, PlanNotBookable, plan_basis
from tests.treatments.factories import catalogue, planned, recorded, signed_plan

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def plan(rooms, pat, paula, harbour):
    products = catalogue(harbour)
    return signed_plan(pat, paula, [products["hyaluronic"], products["vitamins"]])


def form_data(**extra):
    return {
        "first_day": "2026-11-30",
        "same_practitioner": "on",
        "time_of_day": "any",
        "weekdays": [str(d) for d in range(7)],
        "sessions": "4",
        **extra,
    }


def test_reception_books_the_plans_course_from_the_plan(client_for, rita, plan, pat):
    client = client_for(rita)
    url = reverse("treatments:plan-book", args=[plan.pk])
    # The plan's template and areas are fixed: what the form posts for them is ignored.
    shown = client.post(url, form_data(plan="1", template="ref-002/course", areas=["hands"]))
    proposal = shown.context["proposal"]
    assert (proposal.template_spec, proposal.areas, shown.context["findings"]) == (
        "ref-000/course",
        ("face", "neck"),
        [],
    )
    booked = client.post(
        url, form_data(book="1", proposal=shown.context["book"].initial["proposal"])
    )
    course = Course.objects.get()
    assert (booked.status_code, booked.url) == (302, reverse("scheduling:course", args=[course.pk]))
    assert (
        course.treatment_plan_id,
        course.areas,
        course.unplanned_reason,
        course.sessions.count(),
    ) == (plan.pk, ["face", "neck"], "", 4)
    assert AuditEvent.objects.filter(object_type="scheduling.Course").get().summary == (
        f"booked 4 sessions of ref-000/course from 2026-11-30 09:00 following treatment plan "
        f"{plan.pk}"
    )


def test_a_draft_or_another_treatment_books_no_course(paula, pat, rooms, harbour):
    products = catalogue(harbour)
    draft = planned(recorded(pat, paula), paula, [products["hyaluronic"]])
    other = recorded(pat, paula, recommendation="other-treatment")
    planned(other, paula, [products["hyaluronic"]])
    with pytest.raises(PlanNotBookable) as unsigned:
        plan_basis(draft)
    other.signed_at = other.created_at
    other.save()
    with pytest.raises(PlanNotBookable) as not_recommended:
        plan_basis(other.plan)
    assert (str(unsigned.value), str(not_recommended.value)) == (NOT_SIGNED, NOT_RECOMMENDED)


def test_a_plan_books_only_its_own_course(plan, pat, paula):
    protocol = load_protocol("ref-002")
    other = propose_course(pat, protocol, protocol.course(), dt.date(2026, 11, 30))
    basis = plan_basis(plan)
    with pytest.raises(BookingRefused) as refused:
        course_book(proposal=other, by=paula, basis=basis)
    assert str(refused.value) == NOT_THE_PLAN.format(planned="ref-000/course: face, neck")


def test_the_api_plans_and_books_the_plans_course(client_for, rita, plan):
    client = client_for(rita)
    url = f"/api/v1/treatments/plans/{plan.pk}"
    body = json.dumps({"from": "2026-11-30", "sessions": 4})
    shown = client.post(f"{url}/plan-course", body, content_type="application/json")
    booked = client.post(f"{url}/book", body, content_type="application/json")
    course = Course.objects.get()
    assert (shown.status_code, shown.json()["template"], len(shown.json()["sessions"])) == (
        200,
        "ref-000/course",
        4,
    )
    assert (booked.status_code, booked.json()["course"], booked.json()["plan"]) == (
        201,
        course.pk,
        plan.pk,
    )
    assert course.treatment_plan_id == plan.pk


def test_plan_course_takes_the_plan(capsys, plan, pat):
    call_command(
        "plan-course",
        str(pat.pk),
        f"--plan={plan.pk}",
        "--from=2026-11-30",
        "--sessions=4",
        "--book",
        "--json",
    )
    printed = json.loads(capsys.readouterr().out)
    course = Course.objects.get()
    assert (printed["template"], printed["plan"], printed["course"], course.areas) == (
        "ref-000/course",
        plan.pk,
        course.pk,
        ["face", "neck"],
    )


def test_plan_course_says_the_plan_sets_the_course(plan, pat):
    with pytest.raises(CommandError) as refused:
        call_command(
            "plan-course",
            str(pat.pk),
            f"--plan={plan.pk}",
            "--template=ref-002",
            "--from=2026-11-30",
        )
    assert (
        str(refused.value)
        == "--plan sets the course and its areas; leave out --template and --areas."
    )


def test_reception_sees_no_book_button_over_a_contraindication_but_the_reason(
    client_for, rita, paula, plan, pat
):
    from tests.scheduling.factories import pregnant

    pregnant(pat)
    url = reverse("treatments:plan-book", args=[plan.pk])
    reception = client_for(rita).post(url, form_data(plan="1")).content.decode()
    assert "only a practitioner can book this course, with a written reason" in reception
    assert 'name="book"' not in reception
    practitioner = client_for(paula).post(url, form_data(plan="1")).content.decode()
    assert 'name="book"' in practitioner


def test_a_deceased_patients_plan_says_why_nothing_can_be_booked(client_for, rita, plan, pat):
    pat.deceased = True
    pat.save()
    page = client_for(rita).post(
        reverse("treatments:plan-book", args=[plan.pk]), form_data(plan="1")
    )
    text = page.content.decode()
    assert "record says they have died: nothing can be booked for them." in text
    assert 'name="book"' not in text
