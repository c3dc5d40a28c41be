"""Ann's course is complete: she scores it in her portal and sees her before and after; her
practitioner finds the course and the score in the clinic's reports.

The course is built by hand (tests/outcomes/dataset.py) with its two sessions signed and
photographed; signing a session through the pages is tested in test_treatment_session.py.
"""

import datetime as dt

import pytest
import time_machine

from tests import factories
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.outcomes.dataset import build
from tests.outcomes.test_before_after import photographed

pytestmark = pytest.mark.browser

FEBRUARY = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_a_completed_course_is_scored_compared_and_reported(
    page, live_server, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(FEBRUARY, tick=True):
        harbour = factories.ClinicFactory(name="Harbour Skin Clinic", phone="+44 20 7946 0000")
        riverside = factories.ClinicFactory(name="Riverside Aesthetics")
        paula = factories.PractitionerFactory(user__username="paula", clinic=harbour).user
        alice = factories.UserFactory(username="alice", clinic=harbour, role="admin")
        clinic = build(harbour, riverside, paula, alice, ann_scored=False)
        ann = clinic["people"]["Ann"]
        ann.user = factories.UserFactory(username="ann", clinic=harbour, role="patient")
        ann.save()
        course = clinic["courses"][0]
        first, second = course.sessions.filter(number__in=(1, 2)).order_by("number")
        photographed(first, ["front"], paula)
        photographed(second, ["front"], paula, moment="after")

        sign_in(page, live_server, "ann", PASSWORD)
        page.get_by_role("link", name="Your results").click()
        page.get_by_label("Very much improved").check()
        page.get_by_role("button", name="Send my score").click()
        assert page.get_by_text("Thank you: your score was sent to the clinic.").count() == 1
        assert page.get_by_text("You scored it 1: very much improved.").count() == 1
        screenshot(page, "outcomes-1-scored")

        page.get_by_role("link", name="Before and after").click()
        front = page.locator('.before-after[data-view="front"]')
        assert (
            front.get_by_text(
                "Mon 4 Jan 2027 to Mon 18 Jan 2027: 2 sessions of standard between."
            ).count()
            == 1
        )
        images = front.locator("img")
        assert images.count() == 2
        # Each photo loads (decode() waits for it, and fails on a broken image).
        assert [
            images.nth(n).evaluate("i => i.decode().then(() => i.naturalWidth)") > 0
            for n in range(2)
        ] == [True, True]
        screenshot(page, "outcomes-2-before-after")
        front.get_by_text("One over the other").click()
        screenshot(page, "outcomes-3-one-over-the-other")

        page.context.clear_cookies()
        sign_in(page, live_server, "paula", PASSWORD)
        page.get_by_role("link", name="Reports").click()
        page.get_by_label("From").fill("2027-01-01")
        page.get_by_label("To").fill("2027-02-01")
        page.get_by_role("button", name="Show").click()
        courses = page.locator("table.list-table").first
        assert courses.locator("tr", has_text="Completed").locator("td").nth(1).inner_text() == "1"
        screenshot(page, "outcomes-4-report-courses")
        page.get_by_role("link", name="GAIS scores").click()
        row = page.locator("tr", has_text="standard · patient · 1").first
        assert row.locator("td").nth(1).inner_text() == "1"
        screenshot(page, "outcomes-5-report-gais")
        row.get_by_role("link").click()
        assert page.get_by_role("link", name=str(ann)).count() == 1
