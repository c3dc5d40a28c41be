"""A practitioner books a whole course from a demo patient's chart, finds it in the week view,
moves the third session with "this and the following", and downloads the course's .ics file."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.demo import DEMO_PASSWORD, demo_load
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Course
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
FIRST_DAY = dt.date(2026, 12, 7)
TEMPLATE = load_protocol("ref-000").course()


def session_days(course):
    return [s.start.astimezone(LONDON).date() for s in course.sessions.holding().order_by("number")]


@pytest.mark.django_db(transaction=True)
def test_book_see_move_and_download_a_course(page, live_server, screenshot, tmp_path):
    demo_load()
    grace = Patient.objects.get(given_name="Grace", family_name="Wilson")
    sign_in(page, live_server, "dr.morgan", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/patients/{grace.pk}/")
    page.get_by_role("link", name="Plan a course").click()
    page.get_by_label("Template").select_option("ref-000/course")
    page.get_by_label("First possible date").fill(FIRST_DAY.isoformat())
    page.get_by_role("button", name="Find the earliest course").click()
    rows = page.locator(".proposal-sessions tbody tr")
    rows.first.wait_for()
    assert rows.count() == 6
    screenshot(page, "course-proposal")

    # Grace was consulted elsewhere: the practitioner says so, and the reason stays on the course.
    page.get_by_label("Reason for booking without a consultation").fill(
        "Consulted at our sister clinic last month; records on file"
    )
    page.get_by_role("button", name="Book all 6 sessions").click()
    page.wait_for_url("**/clinic/courses/*/")
    course = Course.objects.filter(patient=grace).latest("pk")  # the demo gave her one already
    booked = session_days(course)
    assert check_course(TEMPLATE, booked) == []
    assert page.locator(".course-sessions tbody tr").count() == 6
    screenshot(page, "course-booked")

    page.goto(f"{live_server.url}/clinic/calendar/?view=week&by=practitioner&date={booked[0]}")
    assert page.locator(".calendar-grid .appt", has_text="Grace Wilson").count() == 1
    # Two weeks on, by htmx (only the calendar is swapped), comes session 2.
    page.get_by_role("link", name="Next week →").click()
    page.wait_for_url(
        f"**date={booked[0] - dt.timedelta(days=booked[0].weekday()) + dt.timedelta(days=7)}"
    )
    page.get_by_role("link", name="Next week →").click()
    second = page.locator(".calendar-grid .appt", has_text="Grace Wilson")
    second.wait_for()
    session = course.sessions.get(number=2)
    start, end = session.start.astimezone(LONDON), session.end.astimezone(LONDON)
    assert " ".join(second.inner_text().split()) == (
        f"{start:%H:%M}–{end:%H:%M} Grace Wilson session 2 · {session.room}"
    )
    screenshot(page, "course-week-view")

    page.goto(f"{live_server.url}/clinic/courses/{course.pk}/")
    third = page.locator('tr[data-session="3"]')
    new_day = booked[1] + dt.timedelta(days=17)
    third.get_by_label("New date").fill(new_day.isoformat())
    third.get_by_label("This and the following").check()
    third.get_by_role("button", name="Move").click()
    page.wait_for_load_state()
    # Every free time of the new day is offered, with its practitioner and room.
    screenshot(page, "course-move-times")
    page.get_by_role("button", name="Move here").first.click()
    page.wait_for_load_state()
    assert page.locator(".message").all_inner_texts() == [
        "Moved session 3 and the following sessions."
    ]
    moved = session_days(course)
    assert (moved[:2], moved[2], check_course(TEMPLATE, moved)) == (booked[:2], new_day, [])
    screenshot(page, "course-moved")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download .ics").click()
    path = tmp_path / "course.ics"
    download.value.save_as(path)
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [e["dtstart"].dt.astimezone(LONDON).date() for e in events] == moved


@pytest.mark.django_db(transaction=True)
def test_reception_reads_the_day_by_room_on_a_phone(phone_page, live_server, screenshot):
    demo_load()
    james = Course.objects.get(patient__given_name="James")
    first = james.sessions.get(number=1)
    sign_in(phone_page, live_server, "reception", DEMO_PASSWORD)
    day = first.start.astimezone(LONDON).date()
    phone_page.goto(f"{live_server.url}/clinic/calendar/?view=day&by=room&date={day}")
    rooms = phone_page.locator(".calendar-grid tbody th").all_inner_texts()
    assert rooms == ["Consultation room", "Room 1", "Room 2"]
    cell = phone_page.locator(".calendar-grid .appt", has_text="James Okafor")
    assert " ".join(cell.inner_text().split()) == (
        f"{first.start.astimezone(LONDON):%H:%M}–{first.end.astimezone(LONDON):%H:%M} "
        f"James Okafor session 1 · {first.practitioner}"
    )
    screenshot(phone_page, "calendar-day-by-room-phone")
