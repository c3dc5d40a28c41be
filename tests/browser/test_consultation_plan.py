"""The clinical half, walked whole: the admin adds a product and receives a lot; reception
books a consultation; the practitioner records it, plans two areas with two products, signs it
and books the course from the plan. Screenshots at 1280 px, and the consultation and the plan
on a tablet (768 px) and a phone (390 px)."""

import pytest

from mesoclinic.demo import DEMO_PASSWORD, demo_load
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments.models import Consultation
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

NEW_PRODUCT = "Brightening peptide cocktail"
HYALURONIC = "Hyaluronic acid 1% (non-cross-linked)"


def admin_adds_a_product_and_receives_a_lot(page, live_server, screenshot):
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="Products", exact=True).click()
    page.get_by_role("link", name="Add a product").click()
    page.get_by_label("Name").fill(NEW_PRODUCT)
    page.get_by_label("Manufacturer").fill("Lumen Dermal Labs")
    page.get_by_label("Form").select_option("injectable")
    page.get_by_label("Unit").fill("vial of 5 mL")
    page.get_by_label("Ingredients").fill("rxnorm:1151 ascorbic acid\nmannitol")
    screenshot(page, "plan-flow-0-product-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/clinic/products/")
    screenshot(page, "plan-flow-1-products")
    row = page.locator("tr", has_text=NEW_PRODUCT)
    assert [" ".join(i.split()) for i in row.locator(".ingredients li").all_inner_texts()] == [
        "ascorbic acid 1151 (vitamin C (ascorbic acid))",
        "mannitol not in the ingredient vocabulary",
    ]
    row.get_by_role("link", name=NEW_PRODUCT).click()
    page.get_by_role("link", name="Receive a lot").click()
    page.get_by_label("Lot number").fill("BP-0001")
    page.get_by_label("Expiry date").fill("2027-09-30")
    page.get_by_label("Units received").fill("10")
    page.get_by_role("button", name="Receive").click()
    page.wait_for_url("**/clinic/lots/")
    assert page.locator(".message").all_inner_texts() == [
        f"Received 10 × {NEW_PRODUCT} lot BP-0001."
    ]
    near = page.locator('tr[data-lot="HA-24031"] .chip')
    assert near.inner_text() == "expires soon"
    screenshot(page, "plan-flow-2-lots")


def reception_books_a_consultation(page, live_server, screenshot, grace):
    sign_in(page, live_server, "reception", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/patients/{grace.pk}/")
    page.get_by_role("link", name="Book a consultation").click()
    page.locator('input[name="day"]').fill("2026-11-30")
    page.get_by_label("Practitioner").select_option(label="Elena Morgan")
    page.get_by_role("button", name="Show free times").click()
    page.locator(".slot-list li").first.get_by_role("button", name="Book").click()
    page.wait_for_url("**/clinic/appointments/*/")
    screenshot(page, "plan-flow-3-consultation-booked")
    return Appointment.objects.get(patient=grace, kind="consultation")


def practitioner_records_and_plans(page, live_server, screenshot, appointment):
    sign_in(page, live_server, "dr.morgan", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clinic/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Consultation record").click()
    page.get_by_role("button", name="Start the consultation record").click()
    page.get_by_label("Concerns").fill("Dull skin on the cheeks; crêpey neck")
    page.get_by_label("cheeks").check()
    page.get_by_label("neck", exact=True).check()
    page.get_by_label("Fitzpatrick type").select_option("3")
    page.get_by_label("Skin type").select_option("combination")
    page.get_by_label("Condition per area").fill("cheeks: dull, dehydrated\nneck: fine lines")
    page.get_by_label("Recommendation", exact=True).select_option("mesotherapy")
    page.get_by_label("Reason", exact=True).fill("Healthy skin, realistic expectations")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Plan the treatment").click()
    page.get_by_label("Protocol and course").select_option("standard/course")
    page.get_by_label("Numbing cream").select_option(label="Lidocaine 4% numbing cream")
    first, second = (
        page.locator("fieldset.plan-area").nth(0),
        page.locator("fieldset.plan-area").nth(1),
    )
    first.get_by_label("Area").select_option("cheeks")
    first.get_by_label("Technique").select_option("nappage")
    first.get_by_label("Depth (mm)").fill("1")
    first.get_by_label("Planned volume (mL)").fill("2")
    first.get_by_label(NEW_PRODUCT).check()
    second.get_by_label("Area").select_option("neck")
    second.get_by_label("Technique").select_option("papules")
    second.get_by_label("Layer").select_option("superficial-dermis")
    second.get_by_label("Planned volume (mL)").fill("1.5")
    second.get_by_label(HYALURONIC).check()
    screenshot(page, "plan-flow-4-plan-form")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_url("**/clinic/consultations/*/")
    rows = page.locator(".plan-areas tbody tr")
    assert [" ".join(rows.nth(n).inner_text().split()) for n in range(rows.count())] == [
        f"cheeks Nappage 1 mm 2 mL {NEW_PRODUCT}",
        f"neck Point-by-point papules superficial dermis 1.5 mL {HYALURONIC}",
    ]
    assert page.locator("#screening-heading .verdict").inner_text() == "eligible"
    screenshot(page, "plan-flow-5-consultation-draft")


def practitioner_signs_and_books(page, screenshot):
    page.get_by_label("I have reviewed today's screening against this plan").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign the consultation").click()
    page.wait_for_load_state()
    assert page.locator(".message").all_inner_texts() == [
        "Signed. The consultation record is now read-only."
    ]
    screenshot(page, "plan-flow-6-consultation-signed")
    page.get_by_role("link", name="Book the course").click()
    page.get_by_role("button", name="Find the earliest course").click()
    rows = page.locator(".proposal-sessions tbody tr")
    rows.first.wait_for()
    screenshot(page, "plan-flow-7-course-proposal")
    page.get_by_role("button", name=f"Book all {rows.count()} sessions").click()
    page.wait_for_url("**/clinic/courses/*/")
    assert page.locator(".course-basis").inner_text() == (
        "Follows the treatment plan of a signed consultation."
    )
    screenshot(page, "plan-flow-8-course-booked")


@pytest.mark.django_db(transaction=True)
def test_from_the_catalogue_to_a_course_booked_from_a_signed_plan(
    browser, page, live_server, screenshot
):
    demo_load()
    grace = Patient.objects.get(given_name="Grace", family_name="Wilson")
    admin_adds_a_product_and_receives_a_lot(page, live_server, screenshot)
    page.context.clear_cookies()
    appointment = reception_books_a_consultation(page, live_server, screenshot, grace)
    page.context.clear_cookies()
    practitioner_records_and_plans(page, live_server, screenshot, appointment)
    consultation = Consultation.objects.get(patient=grace)
    for width, height, name in ((768, 1024, "tablet"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        small = context.new_page()
        context.add_cookies(page.context.cookies())
        small.goto(f"{live_server.url}/clinic/consultations/{consultation.pk}/")
        screenshot(small, f"plan-flow-consultation-{name}")
        small.goto(f"{live_server.url}/clinic/consultations/{consultation.pk}/plan/")
        screenshot(small, f"plan-flow-plan-form-{name}")
        context.close()
    practitioner_signs_and_books(page, screenshot)
    course = Course.objects.filter(patient=grace).latest("pk")  # the demo gave her one already
    consultation.refresh_from_db()
    assert (
        consultation.signed,
        course.treatment_plan_id,
        course.areas,
        Lot.objects.get(number="BP-0001").product == Product.objects.get(name=NEW_PRODUCT),
    ) == (True, consultation.plan.pk, ["cheeks", "neck"], True)
