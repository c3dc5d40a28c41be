"""Each role signs in with a real browser and sees its own dashboard and navigation."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.test_navigation import EXPECTED_NAV

pytestmark = pytest.mark.browser

ROLE_BADGES = {
    "admin": "Clinic admin",
    "practitioner": "Practitioner",
    "reception": "Reception",
    "patient": "Patient",
}
HEADINGS = {
    "alice": ("admin", "Clinic admin dashboard"),
    "paula": ("practitioner", "Practitioner dashboard"),
    "rita": ("reception", "Reception dashboard"),
    "pat": ("patient", "Hello Pat"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", HEADINGS)
def test_each_role_sees_its_dashboard(page, live_server, request, screenshot, who):
    request.getfixturevalue(who)
    role, heading = HEADINGS[who]
    sign_in(page, live_server, who, PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert nav.all_inner_texts() == EXPECTED_NAV[role]
    assert page.locator(".role-badge").inner_text() == ROLE_BADGES[role]
    assert screenshot(page, f"dashboard-{role}").stat().st_size > 10_000


@pytest.mark.django_db(transaction=True)
def test_admin_adds_a_room_and_sees_field_errors_on_a_phone(
    phone_page, live_server, alice, screenshot
):
    page = phone_page
    sign_in(page, live_server, "alice", PASSWORD)
    page.goto(live_server.url + "/clinic/rooms/new/")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".field.has-error .error").all_inner_texts() == ["This field is required."]
    screenshot(page, "room-form-error-phone")
    page.get_by_label("Name").fill("Treatment room")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".list-table tbody td a").all_inner_texts() == ["Treatment room"]
    screenshot(page, "room-list-phone")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_explained(page, live_server, alice, screenshot):
    sign_in(page, live_server, "alice", "not the password")
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
    screenshot(page, "login-error")
