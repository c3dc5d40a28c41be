"""A practitioner codes a medication and the verdict changes; a patient's intake is confirmed."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, PatientFactory
from tests.patients.factories import MedicationFactory

pytestmark = pytest.mark.browser

HEALTH_QUESTIONS_ANSWERED_NO = [
    "Have you ever had a clotting or bleeding disorder",
    "Have you ever had a stroke",
    "Do you have diabetes",
    "Do you use insulin?",
    "Do you take medicines for a heart condition",
    "Do you have an autoimmune disease",
    "Do you have an infection at the moment",
    "Do you take blood thinners",
    "Do you take medicines that weaken the immune system",
    "Have you ever had anaphylaxis",
    "Are you pregnant, or could you be?",
    "Are you breastfeeding?",
    "Are you allergic to local anaesthetics",
    "Have you had aesthetic treatments before",
]


def verdict(page):
    return page.locator("#screening .verdict").inner_text()


@pytest.mark.django_db(transaction=True)
def test_practitioner_adds_warfarin_by_code_search_and_the_verdict_changes(
    page, live_server, paula, harbour, screenshot
):
    PatientFactory(clinic=harbour, given_name="Grace", family_name="Wilson", phone="07700 900123")
    PatientFactory(clinic=harbour, given_name="James", family_name="Okafor")
    sign_in(page, live_server, "paula", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Name, birth date or phone").fill("wils")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".patient-list tbody td a").all_inner_texts() == ["Wilson, Grace"]
    screenshot(page, "patient-search")
    page.get_by_role("link", name="Wilson, Grace").click()
    assert verdict(page) == "eligible"
    page.locator(".history-medication").get_by_role("link", name="Add").click()
    # htmx loads deferred: keys typed before it has wired the box up would send nothing.
    page.wait_for_url("**/medication/new/")
    page.wait_for_load_state()
    with page.expect_response(lambda r: "/codes/medication/" in r.url and "warf" in r.url):
        page.get_by_label("Search the value sets").press_sequentially("warf")
    page.get_by_label("warfarin RxNorm 11289").check()
    screenshot(page, "medication-code-search")
    page.get_by_label("Dosage").fill("5 mg daily")
    page.get_by_role("button", name="Save").click()
    assert verdict(page) == "review"
    assert page.locator(".findings tbody tr td:first-child").all_inner_texts() == [
        "Takes an anticoagulant or antiplatelet medicine\nanticoagulant-therapy"
    ]
    assert page.locator(".history-medication .entry > a").all_inner_texts() == ["warfarin"]
    screenshot(page, "chart-after-warfarin")


@pytest.mark.django_db(transaction=True)
def test_patient_fills_the_intake_and_the_practitioner_confirms_it(
    page, live_server, pat, paula, screenshot
):
    sign_in(page, live_server, "pat", PASSWORD)
    page.get_by_role("link", name="Fill in your health questionnaire").click()
    for question in HEALTH_QUESTIONS_ANSWERED_NO:
        page.get_by_role("radiogroup", name=question).get_by_label("No").check()
    page.get_by_role("radiogroup", name="Are you allergic to latex").get_by_label("Yes").check()
    page.get_by_role("radiogroup", name="May the clinic contact you").get_by_label("Yes").check()
    page.get_by_label("Supplements, vitamins and herbal remedies").fill("Ginkgo biloba")
    screenshot(page, "intake-questionnaire")
    page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_role("status").inner_text() == (
        "Thank you: your answers were sent to the clinic."
    )
    assert page.locator("#todo-heading + p").inner_text() == "Nothing to do right now."
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "paula", PASSWORD)
    page.get_by_role("link", name="Pat Example").click()
    assert verdict(page) == "eligible"
    assert page.locator(".entry.unconfirmed > a").all_inner_texts() == [
        "Ginkgo biloba",
        "Latex (substance)",
        "Breastfeeding status",
        "Pregnancy status",
    ]
    screenshot(page, "chart-intake-to-confirm")
    while page.locator(".entry.unconfirmed").count():
        page.locator(".entry.unconfirmed").first.get_by_role("button", name="Confirm").click()
    assert page.locator(".history .chip.warn").all_inner_texts() == []
    page.get_by_role("link", name="Dashboard").click()
    assert page.locator("#attention-heading + p").inner_text() == "Nothing needs your attention."
    screenshot(page, "chart-intake-confirmed")


@pytest.mark.django_db(transaction=True)
def test_reception_on_a_phone_sees_details_but_no_clinical_history(
    phone_page, live_server, rita, pat, screenshot
):
    MedicationFactory(patient=pat, text="Warfarin 5 mg")
    sign_in(phone_page, live_server, "rita", PASSWORD)
    phone_page.goto(f"{live_server.url}/patients/{pat.pk}/")
    headings = phone_page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["Details", "Appointments", "Consultations", "Courses"]
    assert phone_page.get_by_text("Warfarin").count() == 0
    screenshot(phone_page, "chart-reception-phone")
