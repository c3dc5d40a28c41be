"""Reception pages through a large clinic's week a few practitioners at a time, on a phone and
on a tablet, by htmx (only the calendar is swapped)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mesoclinic.accounts.models import User
from mesoclinic.clinics.models import Practitioner
from mesoclinic.demo import DEMO_PASSWORD, demo_load
from tests import factories
from tests.browser.conftest import WAIT_MS, sign_in
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2027, 3, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 768])
def test_reception_pages_through_the_practitioners_of_a_week(
    browser, live_server, screenshot, width
):
    demo_load()
    clinic = User.objects.get(username="reception").clinic
    for name in ("Ann", "Ben", "Cal", "Dee", "Eve", "Fay"):
        practitioner = factories.PractitionerFactory(
            clinic=clinic, user__first_name=name, user__last_name="Zed"
        )
        AppointmentFactory(
            patient=factories.PatientFactory(clinic=clinic, given_name=f"Client {name}"),
            practitioner=practitioner,
            room=factories.RoomFactory(clinic=clinic, name=f"Room of {name}"),
            start=dt.datetime.combine(MONDAY, dt.time(10), tzinfo=LONDON),
        )
    everyone = [str(p) for p in Practitioner.objects.filter(clinic=clinic)]
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    sign_in(page, live_server, "reception", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clinic/calendar/?view=week&by=practitioner&date={MONDAY}")
    assert page.locator(".calendar-grid tbody th").all_inner_texts() == everyone[:5]
    page.get_by_role("link", name="Next practitioners →").click()
    page.get_by_text(f"Practitioners 6–{min(10, len(everyone))} of {len(everyone)}").wait_for()
    assert page.locator(".calendar-grid tbody th").all_inner_texts() == everyone[5:10]
    assert page.url.endswith("&page=2")
    screenshot(page, f"calendar-week-second-practitioners-{width}")
    context.close()
