"""A patient reads their preparation before a session, opens the aftercare page and its PDF
after it, reports a painful lump on day 20 and is told to call the clinic at once; the
practitioner finds it in the follow-up inbox, assesses and closes it.

The session record (consent, chart, signature) arrives separately; until then aftercare starts
at the booked end of the session.
"""

import datetime as dt

import pytest
import time_machine

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.scheduling.proposals import propose_course
from tests import factories
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.patients.factories import MedicationFactory
from tests.scheduling.factories import book_course, open_clinic

pytestmark = pytest.mark.browser

STANDARD = load_protocol("standard")
DAY_AFTER = dt.datetime(2026, 12, 8, 12, tzinfo=dt.UTC)  # session 1 was Mon 7 Dec, 09:00–10:00
DAY_20 = dt.datetime(2026, 12, 27, 11, tzinfo=dt.UTC)


def sign_out(page):
    page.context.clear_cookies()


@pytest.mark.django_db(transaction=True)
def test_preparation_aftercare_and_a_lump_on_day_20_reach_the_practitioner(
    page, live_server, screenshot
):
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic", phone="+44 20 7946 0000")
    paula = factories.PractitionerFactory(user__username="paula", clinic=harbour).user
    open_clinic(harbour, [paula.practitioner])
    pat = factories.PatientFactory(clinic=harbour, given_name="Pat", with_account="pat")
    MedicationFactory(patient=pat, text="Ibuprofen 400 mg", status="active")
    proposal = propose_course(pat, STANDARD, STANDARD.course(), dt.date(2026, 12, 7))
    book_course(proposal=proposal, by=paula)

    sign_in(page, live_server, "pat", PASSWORD)
    page.get_by_role("link", name="Before your sessions").click()
    first = page.locator(".session-preparation").first
    assert first.locator("h2").inner_text() == "Session 1 on Mon 7 Dec 2026 09:00"
    assert first.get_by_text("Stop taking ibuprofen from Wed 2 Dec").count() == 1
    screenshot(page, "follow-up-1-preparation")

    with time_machine.travel(DAY_AFTER, tick=True):
        sign_out(page)
        sign_in(page, live_server, "pat", PASSWORD)
        page.get_by_role("link", name="Aftercare").click()
        assert page.get_by_text("No sauna until Mon 21 Dec 10:00.").count() == 1
        screenshot(page, "follow-up-2-aftercare")
        href = page.get_by_role("link", name="Aftercare handout (PDF)").get_attribute("href")
        pdf = page.request.get(live_server.url + href)
        assert (pdf.status, pdf.headers["content-type"], pdf.body()[:5]) == (
            200,
            "application/pdf",
            b"%PDF-",
        )

    with time_machine.travel(DAY_20, tick=True):
        sign_out(page)
        sign_in(page, live_server, "pat", PASSWORD)
        page.get_by_role("link", name="Report a side effect").click()
        page.get_by_label("Effect").select_option("nodules")
        page.get_by_label("Area").fill("left cheek")
        page.get_by_label("The day it started").fill("2026-12-27")
        page.get_by_label("Severity").select_option("moderate")
        page.get_by_label("Note").fill("A painful lump")
        page.get_by_role("button", name="Send the report").click()
        page.wait_for_url("**/portal/side-effects/*/")
        alert = page.get_by_role("alert")
        assert alert.locator("h2").inner_text() == "Call Harbour Skin Clinic now"
        assert alert.get_by_role("link", name="+44 20 7946 0000").count() == 1
        screenshot(page, "follow-up-3-urgent-advice")

        sign_out(page)
        sign_in(page, live_server, "paula", PASSWORD)
        assert page.locator(".follow-up .urgent-count").inner_text() == "1 urgent"
        page.get_by_role("link", name="Follow-up", exact=True).click()
        row = page.locator(".inbox tbody tr")
        assert (row.count(), row.get_attribute("data-triage")) == (1, "urgent")
        screenshot(page, "follow-up-4-inbox")
        row.get_by_role("link", name="Pat Example").click()
        page.get_by_role("button", name="Acknowledge").click()
        page.get_by_label("Assessment").fill("Firm, warm 5 mm nodule at an injection point.")
        page.get_by_label("Advice to the patient").fill("Come in tomorrow at 09:00.")
        page.get_by_role("button", name="Save the assessment").click()
        page.get_by_role("button", name="Close").click()
        assert page.locator(".report-status").inner_text() == "Closed"
        screenshot(page, "follow-up-5-closed")
    report = SideEffectReport.objects.get()
    assert (report.triage, report.status, report.advice) == (
        "urgent",
        "closed",
        "Come in tomorrow at 09:00.",
    )
