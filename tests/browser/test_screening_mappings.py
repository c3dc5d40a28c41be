"""A practitioner teaches screening a code from the chart; every patient with it is read anew."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, PatientFactory
from tests.patients.factories import ConditionFactory

pytestmark = pytest.mark.browser

ICD10 = "http://hl7.org/fhir/sid/icd-10"
SUMMARY = (
    "screening mapping: D68.9 Coagulation defect, unspecified → coagulation-disorder (version 1)"
)


def verdict(page):
    return page.locator("#screening .verdict").inner_text()


def with_coagulation_defect(clinic, given_name):
    """A patient whose record carries an ICD-10 code no value set knows."""
    patient = PatientFactory(clinic=clinic, given_name=given_name, family_name="Marković")
    ConditionFactory(
        patient=patient,
        text="",
        code_system=ICD10,
        code="D68.9",
        code_display="Coagulation defect, unspecified",
    )
    return patient


def at_widths(page, screenshot, name):
    """Screenshots at desktop, tablet and phone widths, then back to desktop."""
    for width, height in ((1280, 800), (768, 1024), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.django_db(transaction=True)
def test_a_practitioner_maps_an_unrecognised_code_and_every_patient_is_screened_anew(
    page, live_server, paula, alice, harbour, screenshot
):
    first = with_coagulation_defect(harbour, "Ana")
    second = with_coagulation_defect(harbour, "Mila")
    sign_in(page, live_server, "paula", PASSWORD)
    page.goto(f"{live_server.url}/patients/mappings/unrecognised/")
    assert page.locator("table.unrecognised-codes tbody tr td:nth-child(3)").all_inner_texts() == [
        "2"
    ]
    at_widths(page, screenshot, "unrecognised-codes")

    page.goto(f"{live_server.url}/patients/{first.pk}/")
    assert verdict(page) == "review"
    assert page.locator(".findings tbody tr td:first-child").all_inner_texts() == [
        "A record screening did not understand: a practitioner reviews it\nunrecognised"
    ]
    at_widths(page, screenshot, "chart-unrecognised")

    unrecognised = page.locator("ul.unrecognised")
    unrecognised.get_by_label("Means").select_option(
        label="Clotting or bleeding disorder, past or present"
    )
    unrecognised.get_by_placeholder("Why (optional)").fill("Our haematology referrals use it")
    unrecognised.get_by_role("button", name="Map for the whole clinic").click()

    assert verdict(page) == "contraindicated"
    assert page.get_by_role("status").first.inner_text().startswith("Mapped for the whole clinic")
    assert page.locator(".findings .mapping").all_inner_texts() == [
        "Clinic mapping v1 by Paula Tester, 30 Nov 2026: Our haematology referrals use it"
    ]
    at_widths(page, screenshot, "chart-mapped")

    page.goto(f"{live_server.url}/patients/{second.pk}/")
    assert verdict(page) == "contraindicated"

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Screening mappings"
    ).click()
    assert page.locator("table.mappings tbody tr td:first-child").all_inner_texts() == [
        "D68.9 Coagulation defect, unspecified http://hl7.org/fhir/sid/icd-10"
    ]
    at_widths(page, screenshot, "screening-mappings")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "alice", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    assert page.get_by_text(SUMMARY).count() == 1
    at_widths(page, screenshot, "audit-trail-mapping")
