"""Reception books courses but never learns what a screening found, on any page or in the API."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.gate import NEEDS_CONSULTATION
from mesoclinic.scheduling.proposals import propose_course
from tests.scheduling.factories import book_course, open_clinic, pregnant
from tests.scheduling.test_course_pages import plan_data

pytestmark = pytest.mark.usefixtures("frozen_now")


MONDAY = dt.date(2026, 11, 30)
STANDARD = load_protocol("standard")


@pytest.fixture
def overridden(harbour, paula, pat):
    """A course Paula booked over Pat's pregnancy, with her written reason."""
    open_clinic(harbour, [paula.practitioner])
    pregnant(pat)
    plan = propose_course(pat, STANDARD, STANDARD.course(), MONDAY)
    return book_course(proposal=plan, by=paula, override_reason="Obstetrician agrees")


def clinical_words(html):
    """The words a person reads on a page that would tell a screening's result."""
    text = re.sub(r"<[^>]+>", " ", html)
    return re.findall(r"pregnancy|contraindicat\w*|Obstetrician agrees|Screening[\w ]*:", text)


def test_the_proposal_shows_findings_to_a_practitioner_only(client_for, paula, rita, overridden):
    url = reverse("scheduling:plan-course", args=[overridden.patient_id])
    data = plan_data(template="standard/course", first_day="2027-06-07", plan="1")
    seen = client_for(paula).post(url, data)
    assert [f["concept"] for f in seen.context["findings"]] == ["pregnancy"]
    assert clinical_words(seen.content.decode()) == [
        "Screening:",
        "contraindicated",
        "pregnancy",
        "contraindication",
        "contraindication",
    ]
    hidden = client_for(rita).post(url, data)
    assert hidden.context["findings"] == []
    assert clinical_words(hidden.content.decode()) == ["contraindication"]


def test_the_course_page_keeps_the_screening_and_override_from_reception(
    client_for, paula, rita, overridden
):
    url = reverse("scheduling:course", args=[overridden.pk])
    assert clinical_words(client_for(paula).get(url).content.decode()) == [
        "contraindicated",
        "contraindication",
        "Obstetrician agrees",
    ]
    assert clinical_words(client_for(rita).get(url).content.decode()) == []


def test_the_charts_course_list_keeps_the_override_from_reception(
    client_for, paula, rita, overridden
):

    url = reverse("chart", args=[overridden.patient_id])
    courses = r'<section class="card" aria-labelledby="courses-heading">.*?</section>'
    for_paula = re.search(courses, client_for(paula).get(url).content.decode(), re.S)
    for_rita = re.search(courses, client_for(rita).get(url).content.decode(), re.S)
    assert clinical_words(for_paula.group(0)) == ["contraindication"]
    assert clinical_words(for_rita.group(0)) == []


def test_the_api_refuses_reception_without_naming_the_condition(client_for, rita, overridden):
    body = {"patient": str(overridden.patient_id), "template": "standard", "from": "2027-06-07"}
    response = client_for(rita).post(
        "/api/v1/scheduling/courses/book", body, content_type="application/json"
    )
    # Without a plan reception is sent to the plan; with one (tests/treatments) it learns only
    # that a practitioner must decide: neither names the condition.
    assert (response.status_code, response.json()) == (
        422,
        {"detail": NEEDS_CONSULTATION.format(patient=overridden.patient)},
    )
