"""Every role's pages work under the strict Content-Security-Policy: the browser refuses nothing."""

import datetime as dt

import pytest

from mesoclinic.demo import DEMO_PASSWORD, demo_load
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Course, CourseStatus
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def refusals(page):
    """The browser's console complaints about the Content-Security-Policy, as they happen."""
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_dashboards_chart_calendar_and_course_under_the_policy(page, live_server, screenshot):
    demo_load()
    refused = refusals(page)
    course = Course.objects.get(patient__given_name="James")
    grace = Patient.objects.get(given_name="Grace", family_name="Wilson")

    for username in ("admin", "reception", "patient"):
        sign_in(page, live_server, username, DEMO_PASSWORD)
        screenshot(page, f"csp-dashboard-{username}")
        sign_out(page)

    sign_in(page, live_server, "dr.morgan", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/patients/{grace.pk}/")
    page.get_by_role("heading", name="Screening today").wait_for()
    screenshot(page, "csp-chart")

    # The calendar's navigation is htmx: its request indicator must not need an inline style.
    second = course.sessions.get(number=2).start.date()
    monday = second - dt.timedelta(days=second.weekday())
    week_before = monday - dt.timedelta(days=7)
    page.goto(f"{live_server.url}/clinic/calendar/?view=week&by=practitioner&date={week_before}")
    page.get_by_role("link", name="Next week →").click()
    page.wait_for_url(f"**date={monday}")
    page.locator(".calendar-grid .appt", has_text="James Okafor").wait_for()
    screenshot(page, "csp-calendar")

    # Cancelling asks first, from the static script; saying no leaves the course as it was.
    page.goto(f"{live_server.url}/clinic/courses/{course.pk}/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel the course").click()
    screenshot(page, "csp-course")
    assert questions == ["Cancel the whole course and free all its future sessions?"]
    assert Course.objects.get(pk=course.pk).status != CourseStatus.CANCELLED

    assert refused == []


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_under_the_policy(page, live_server, screenshot):
    refused = refusals(page)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    screenshot(page, "csp-api-docs")
    assert page.locator(".swagger-ui .info .title").inner_text().split()[0] == "mesoclinic"
    assert refused == []
