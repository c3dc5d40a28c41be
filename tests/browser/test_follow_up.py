"""A patient reads their preparation before a session; the practitioner charts and signs the
session through its pages, recording when it ended; the patient opens the aftercare page (dated
from that end) and its PDF, reports a painful lump on day 20 and is told to call the clinic at
once; the practitioner finds it in the follow-up inbox, assesses it, books a consultation from it
and closes it. The patient uses a phone (390 px), the practitioner a tablet (768 px).
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import PlannedArea, consultation_sign, plan_save
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.treatments.queries import plan_basis
from tests import factories
from tests.browser.conftest import open_page, sign_in, start_and_chart_one_point
from tests.factories import PASSWORD
from tests.inventory.factories import LotFactory
from tests.scheduling.factories import open_clinic
from tests.treatments.factories import catalogue, consent_text, consented, recorded

pytestmark = pytest.mark.browser

PROTOCOL = load_protocol("ref-000")
SESSION_DAY = dt.datetime(2026, 12, 7, 9, 2, tzinfo=dt.UTC)  # session 1, booked 09:00–09:30
# Within the 30 minutes a signed-in page stays open without activity.
SIGNING = dt.datetime(2026, 12, 7, 9, 25, tzinfo=dt.UTC)
DAY_AFTER = dt.datetime(2026, 12, 8, 12, tzinfo=dt.UTC)
DAY_20 = dt.datetime(2026, 12, 27, 11, tzinfo=dt.UTC)


@pytest.fixture
def course(settings, tmp_path):
    """Pat's consented course of the plan's protocol from Monday 7 December, the face treated
    with hyaluronic acid, and its lot."""
    settings.MEDIA_ROOT = tmp_path
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic", phone="+44 20 7946 0000")
    paula = factories.PractitionerFactory(user__username="paula", clinic=harbour).user
    alice = factories.UserFactory(username="alice", clinic=harbour, role="admin")
    open_clinic(harbour, [paula.practitioner])
    pat = factories.PatientFactory(clinic=harbour, given_name="Pat", with_account="pat")
    products = catalogue(harbour)
    consultation = recorded(pat, paula)
    face = PlannedArea("face", "papules", Decimal("2"), (products["hyaluronic"],), Decimal("1"))
    plan = plan_save(
        consultation=consultation, template="ref-000", numbing_product=None, areas=[face], by=paula
    )
    consultation_sign(consultation=consultation, by=paula)
    proposal = propose_course(pat, PROTOCOL, PROTOCOL.course(), dt.date(2026, 12, 7))
    LotFactory(product=products["hyaluronic"], number="HA-1", expires=dt.date(2027, 3, 1))
    consent_text(harbour, alice)
    booked = course_book(proposal=proposal, by=paula, basis=plan_basis(plan))
    consented(booked)
    return booked


@pytest.mark.django_db(transaction=True)
def test_a_signed_session_its_aftercare_and_a_lump_on_day_20_reach_the_practitioner(
    phone_page, tablet_page, live_server, screenshot, course
):
    first = course.sessions.order_by("number").first()
    patient_reads_the_preparation(phone_page, live_server, screenshot)
    with time_machine.travel(SESSION_DAY, tick=True):
        practitioner_starts_and_charts_the_session(tablet_page, live_server, first)
        with time_machine.travel(SIGNING, tick=True):
            practitioner_records_the_end_and_signs(tablet_page, screenshot)
    session = TreatmentSession.objects.get()
    assert (session.signed, session.ended_at) == (
        True,
        dt.datetime(2026, 12, 7, 9, 20, tzinfo=dt.UTC),
    )
    with time_machine.travel(DAY_AFTER, tick=True):
        patient_opens_the_aftercare_and_its_pdf(phone_page, live_server, screenshot)
    with time_machine.travel(DAY_20, tick=True):
        patient_reports_a_painful_lump(phone_page, live_server, screenshot)
        practitioner_assesses_books_and_closes(tablet_page, live_server, screenshot)
    report = SideEffectReport.objects.select_related("appointment").get()
    assert (report.triage, report.status, report.advice, report.appointment.kind) == (
        "urgent",
        "closed",
        "Come in on Monday at 09:00.",
        "consultation",
    )


def patient_reads_the_preparation(page, live_server, screenshot):
    sign_in(page, live_server, "pat", PASSWORD)
    open_page(page, "Before your sessions")
    first = page.locator(".session-preparation").first
    assert first.locator("h2").inner_text() == "Session 1 on Mon 7 Dec 2026 09:00"
    numbing = "A numbing cream may be put on the area at the start of your session, if you need it."
    assert first.get_by_text(numbing).count() == 1
    screenshot(page, "follow-up-1-preparation-390")
    page.context.clear_cookies()


def practitioner_starts_and_charts_the_session(page, live_server, first):
    sign_in(page, live_server, "paula", PASSWORD)
    start_and_chart_one_point(page, live_server, first, across=0.4)


def practitioner_records_the_end_and_signs(page, screenshot):
    page.get_by_label("Ended at (leave empty: when signed)").fill("09:20")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the session").click()
    assert page.locator(".session-record dl").get_by_text("09:20", exact=True).count() == 1
    screenshot(page, "follow-up-2-signed-768")
    page.context.clear_cookies()


def patient_opens_the_aftercare_and_its_pdf(page, live_server, screenshot):
    sign_in(page, live_server, "pat", PASSWORD)
    open_page(page, "Aftercare")
    heading = page.locator("#aftercare-heading").inner_text()
    assert heading == "After your session of Mon 7 Dec 2026, ended at 09:20"
    sun = "Stay out of the sun until Wed 9 Dec 09:20, and for as long as any bruise remains."
    assert page.get_by_text(sun).count() == 1
    screenshot(page, "follow-up-3-aftercare-390")
    href = page.get_by_role("link", name="Aftercare handout (PDF)").get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert (pdf.status, pdf.headers["content-type"], pdf.body()[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    page.context.clear_cookies()


def patient_reports_a_painful_lump(page, live_server, screenshot):
    sign_in(page, live_server, "pat", PASSWORD)
    open_page(page, "Report a side effect")
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
    screenshot(page, "follow-up-4-urgent-advice-390")
    page.context.clear_cookies()


def practitioner_assesses_books_and_closes(page, live_server, screenshot):
    sign_in(page, live_server, "paula", PASSWORD)
    assert page.locator(".follow-up .urgent-count").inner_text() == "1 urgent"
    open_page(page, "Follow-up")
    row = page.locator(".inbox tbody tr")
    assert (row.count(), row.get_attribute("data-triage")) == (1, "urgent")
    screenshot(page, "follow-up-5-inbox-768")
    row.get_by_role("link", name="Pat Example").click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_label("Assessment").fill("Firm, warm 5 mm nodule at an injection point.")
    page.get_by_label("Advice to the patient").fill("Come in on Monday at 09:00.")
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_label("The earliest consultation from").fill("2026-12-28")
    page.get_by_role("button", name="Book a consultation with Paula Tester").click()
    assert (
        page.locator(".report-appointment").inner_text()
        == "Mon 28 Dec 2026 09:00 with Paula Tester"
    )
    screenshot(page, "follow-up-6-booked-768")
    page.get_by_role("button", name="Close").click()
    assert page.locator(".report-status").inner_text() == "Closed"
    screenshot(page, "follow-up-7-closed-768")
