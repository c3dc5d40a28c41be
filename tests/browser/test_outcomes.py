"""Ann's course completes when Paula signs its last session on the clinic's tablet (768 px);
two weeks later Ann scores it on her phone (390 px) and sees her before and after; Paula finds
the course and the score in the clinic's reports, and Ann behind the score.

Ann's first session is built by hand (tests/outcomes/dataset.py), signed and photographed before;
the last is started, charted, photographed after and signed through the pages.
"""

import datetime as dt

import pytest
import time_machine
from PIL import Image

from mesoclinic.scheduling.models import CourseStatus
from tests import factories
from tests.browser.conftest import open_page, sign_in, start_and_chart_one_point
from tests.factories import PASSWORD
from tests.outcomes.dataset import build
from tests.outcomes.test_before_after import photographed

pytestmark = pytest.mark.browser

# Monday 18 January 2027, just before Ann's last session at 09:00 (UTC, as Harbour is here).
SESSION_DAY = dt.datetime(2027, 1, 18, 8, 55, tzinfo=dt.UTC)
TWO_WEEKS_LATER = SESSION_DAY + dt.timedelta(days=14, hours=9)


@pytest.mark.django_db(transaction=True)
def test_a_course_completes_is_scored_compared_and_reported(
    tablet_page, phone_page, live_server, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(SESSION_DAY, tick=True) as traveller:
        harbour = factories.ClinicFactory(name="Harbour Skin Clinic", phone="+44 20 7946 0000")
        riverside = factories.ClinicFactory(name="Riverside Aesthetics")
        paula = factories.PractitionerFactory(user__username="paula", clinic=harbour).user
        alice = factories.UserFactory(username="alice", clinic=harbour, role="admin")
        clinic = build(harbour, riverside, paula, alice, ann_done=False)
        ann = clinic["people"]["Ann"]
        ann.user = factories.UserFactory(username="ann", clinic=harbour, role="patient")
        ann.save()
        course = clinic["courses"][0]
        first, last = course.sessions.order_by("number")
        photographed(first, ["front"], paula)

        paula_signs_the_last_session(tablet_page, live_server, screenshot, last, tmp_path)
        course.refresh_from_db()
        assert course.status == CourseStatus.COMPLETED

        traveller.move_to(TWO_WEEKS_LATER)
        ann_scores_and_compares(phone_page, live_server, screenshot)
        paula_reads_the_reports(tablet_page, live_server, screenshot, ann)


def paula_signs_the_last_session(page, live_server, screenshot, last, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, "paula", PASSWORD)
    start_and_chart_one_point(page, live_server, last, across=0.5)
    after = tmp_path / "after.jpg"
    Image.new("RGB", (480, 640), (225, 180, 160)).save(after, format="JPEG")
    page.get_by_label("View").select_option("front")
    page.get_by_label("After", exact=True).check()
    page.locator('input[type="file"]').set_input_files(after)
    page.get_by_role("button", name="Keep the photo").click()
    page.wait_for_load_state()
    screenshot(page, "outcomes-1-last-session-768")
    page.get_by_role("button", name="Sign the session").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/clinic/courses/{last.course_id}/")
    assert page.locator(".course-status").inner_text() == "Completed"
    screenshot(page, "outcomes-2-course-completed-768")
    page.get_by_role("button", name="Sign out").click()


def ann_scores_and_compares(page, live_server, screenshot):
    sign_in(page, live_server, "ann", PASSWORD)
    open_page(page, "Your results")
    page.get_by_label("Very much improved").check()
    page.get_by_role("button", name="Send my score").click()
    assert page.get_by_text("Thank you: your score was sent to the clinic.").count() == 1
    assert page.get_by_text("You scored it 1: very much improved.").count() == 1
    screenshot(page, "outcomes-3-scored-390")

    open_page(page, "Before and after")
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
        images.nth(n).evaluate("i => i.decode().then(() => i.naturalWidth)") > 0 for n in range(2)
    ] == [True, True]
    screenshot(page, "outcomes-4-before-after-390")
    front.get_by_text("One over the other").click()
    screenshot(page, "outcomes-5-one-over-the-other-390")


def paula_reads_the_reports(page, live_server, screenshot, ann):
    sign_in(page, live_server, "paula", PASSWORD)
    open_page(page, "Reports")
    page.get_by_label("From").fill("2027-01-01")
    page.get_by_label("To").fill("2027-02-01")
    page.get_by_role("button", name="Show").click()
    courses = page.locator("table.list-table").first
    assert courses.locator("tr", has_text="Completed").locator("td").nth(1).inner_text() == "1"
    screenshot(page, "outcomes-6-report-courses-768")
    page.get_by_role("link", name="GAIS scores").click()
    row = page.locator("tr", has_text="standard · patient · 1").first
    assert row.locator("td").nth(1).inner_text() == "1"
    screenshot(page, "outcomes-7-report-gais-768")
    row.get_by_role("link").click()
    assert page.get_by_role("link", name=str(ann)).count() == 1
