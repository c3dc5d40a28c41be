"""Reception books a consultation for a demo patient from the chart, finds it in the day view
and marks the patient arrived; the patient adds it to a calendar from the portal on a phone."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from playwright.sync_api import expect

from mesoclinic.demo import DEMO_PASSWORD, demo_load
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 23)


@pytest.mark.django_db(transaction=True)
def test_book_a_consultation_mark_arrived_and_download_it(
    page, phone_page, live_server, screenshot, tmp_path
):
    # A Monday morning before opening: the clinic's day is still ahead.
    with time_machine.travel(dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC), tick=True):
        demo_load()
        james = Patient.objects.get(given_name="James", family_name="Okafor")
        sign_in(page, live_server, "reception", DEMO_PASSWORD)

        page.goto(f"{live_server.url}/patients/{james.pk}/")
        screenshot(page, "chart-with-consultation-action")
        page.get_by_role("link", name="Book a consultation").click()
        page.locator('input[name="day"]').fill(MONDAY.isoformat())
        page.get_by_role("button", name="Show free times").click()
        # The page opens on tomorrow's free times: wait until Monday's have replaced them.
        expect(page.locator("#slots-heading")).to_have_text("Free times on Mon 23 Nov 2026")
        first = page.locator(".slot-list li").first
        first.get_by_text("09:00–09:30").wait_for()
        screenshot(page, "consultation-free-times")
        first.get_by_role("button", name="Book").click()
        page.wait_for_url("**/clinic/appointments/*/")
        appointment = Appointment.objects.get(patient=james, kind="consultation")
        assert page.locator(".message").all_inner_texts() == [
            f"Booked a consultation for James Okafor on Mon 23 Nov 2026 09:00 with "
            f"{appointment.practitioner}."
        ]
        assert str(appointment.room) == "Consultation room"
        screenshot(page, "consultation-booked")

        page.get_by_role("link", name="See the day in the calendar").click()
        entry = page.locator(".calendar-grid .appt", has_text="James Okafor")
        assert " ".join(entry.inner_text().split()) == (
            "09:00–09:30 James Okafor consultation · Consultation room"
        )
        screenshot(page, "consultation-day-view")

        entry.get_by_role("link", name="09:00–09:30").click()
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Arrived").click()
        page.wait_for_load_state()
        assert (
            asked,
            page.locator(".message").all_inner_texts(),
            page.locator(".appointment-status").inner_text(),
        ) == (["Mark the patient as arrived?"], ["James Okafor has arrived."], "Arrived")
        screenshot(page, "consultation-arrived")

        sign_in(phone_page, live_server, "patient.james", DEMO_PASSWORD)
        line = phone_page.locator(".upcoming li", has_text="consultation")
        screenshot(phone_page, "portal-appointments-phone")
        with phone_page.expect_download() as download:
            line.get_by_role("link", name="Add to your calendar").click()
        path = tmp_path / "consultation.ics"
        download.value.save_as(path)
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [
        (str(e["summary"]), e["dtstart"].dt.astimezone(LONDON).strftime("%a %d %b %H:%M"))
        for e in events
    ] == [(f"Mesotherapy consultation with {appointment.practitioner}", "Mon 23 Nov 09:00")]
