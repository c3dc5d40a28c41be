"""The treatment session on a tablet (768 px, touch): the patient signs consent in the portal;
the practitioner starts the session, answers the checks, taps 10 points on the face map with two
products, takes two photos and signs; the course shows the session done; the lot-recall page
lists the patient. Screenshots under var/screenshots/session-*."""

import datetime as dt
from decimal import Decimal

import pytest
from PIL import Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.inventory.models import Lot
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import PlannedArea, consultation_sign, plan_save
from mesoclinic.treatments.domain.sessions import point_add, session_sign
from mesoclinic.treatments.models import SessionPhoto, TreatmentSession
from mesoclinic.treatments.queries import plan_basis
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.inventory.factories import LotFactory
from tests.scheduling.factories import open_clinic
from tests.treatments.factories import (
    catalogue,
    consent_text,
    consented,
    point,
    recorded,
    started,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def course(harbour, alice, paula, pat, settings, tmp_path):
    """Pat's course from a plan that treats the face with two products, and their lots."""
    settings.MEDIA_ROOT = tmp_path
    open_clinic(harbour, [paula.practitioner])
    products = catalogue(harbour)
    consultation = recorded(pat, paula)
    plan = plan_save(
        consultation=consultation,
        template="ref-000",
        numbing_product=None,
        areas=[
            PlannedArea(
                "face",
                "papules",
                Decimal("2"),
                (products["hyaluronic"], products["vitamins"]),
                Decimal("1"),
            )
        ],
        by=paula,
    )
    consultation_sign(consultation=consultation, by=paula)
    protocol = load_protocol("ref-000")
    proposal = propose_course(pat, protocol, protocol.course(), dt.date(2026, 11, 30))
    LotFactory(product=products["hyaluronic"], number="HA-OLD", expires=dt.date(2026, 11, 1))
    LotFactory(product=products["hyaluronic"], number="HA-1", expires=dt.date(2027, 3, 1))
    LotFactory(product=products["vitamins"], number="VC-1", expires=dt.date(2027, 5, 1))
    consent_text(harbour, alice)
    return course_book(proposal=proposal, by=paula, basis=plan_basis(plan))


def photo_file(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (480, 640), colour).save(path, format="JPEG")
    return path


def test_a_session_from_consent_to_recall_on_a_tablet(
    tablet_page, live_server, screenshot, course, pat, tmp_path
):
    page = tablet_page
    page.on("dialog", lambda dialog: dialog.accept())
    patient_signs_in_the_portal(page, live_server, screenshot)
    first = course.sessions.order_by("number").first()
    practitioner_starts_the_session(page, live_server, screenshot, first)
    practitioner_charts_ten_points(page, screenshot)
    practitioner_takes_two_photos(page, screenshot, tmp_path)
    page.get_by_role("button", name="Sign the session").click()
    page.wait_for_load_state()
    screenshot(page, "session-5-signed")
    session = TreatmentSession.objects.get()
    assert (session.signed, session.points.count(), SessionPhoto.objects.count()) == (True, 10, 2)
    assert {step["followed"] for step in session.preparation} == {True}
    assert page.locator(".point-form").count() == 0
    page.goto(f"{live_server.url}/clinic/courses/{course.pk}/")
    screenshot(page, "session-6-course")
    assert page.locator(".course-status").inner_text() == "Active"
    assert page.locator('tr[data-session="1"] td').nth(4).inner_text() == "Completed"
    admin_sees_who_received_the_lot(page, live_server, screenshot, pat)


def patient_signs_in_the_portal(page, live_server, screenshot):
    sign_in(page, live_server, "pat", PASSWORD)
    page.get_by_role("link", name="Read and sign your consent").click()
    page.get_by_label("I agree to photos for my record").check()
    page.get_by_label("Your full name").fill("Pat Example")
    page.get_by_label("I have read this consent and agree to the treatment").check()
    pad = page.locator(".signature-pad")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (15 if step % 2 else -15))
    page.mouse.up()
    screenshot(page, "session-0-consent-portal")
    page.get_by_role("button", name="Sign the consent").click()
    page.wait_for_load_state()
    assert "Signed on" in page.locator(".consent-state").inner_text()
    page.get_by_role("button", name="Sign out").click()


def practitioner_starts_the_session(page, live_server, screenshot, first):
    sign_in(page, live_server, "paula", PASSWORD)
    page.goto(f"{live_server.url}/clinic/appointments/{first.pk}/")
    page.get_by_role("link", name="Session record").click()
    for followed in page.get_by_label("Followed", exact=True).all():
        followed.check()
    screenshot(page, "session-1-checks")
    assert "Signed on" in page.locator(".check-consent").inner_text()
    page.get_by_role("button", name="Start the session").click()
    page.wait_for_url("**/clinic/sessions/*/")


def practitioner_charts_ten_points(page, screenshot):
    lots = [
        o.strip() for o in page.get_by_label("Lot", exact=True).locator("option").all_inner_texts()
    ]
    assert lots == [
        "Hyaluronic acid 1%, lot HA-1, expires 2027-03-01",
        "Vitamin cocktail, lot VC-1, expires 2027-05-01",
    ]
    face = page.locator('svg[data-map="face-front"]')
    for n, lot in enumerate(["HA-1"] * 5 + ["VC-1"] * 5):
        if n in (0, 5):
            page.get_by_label("Lot", exact=True).select_option(
                label=next(o for o in lots if lot in o)
            )
            page.get_by_label("Depth (mm)").fill("1")
            page.get_by_label("Volume (mL)").fill("0.05")
        box = face.bounding_box()
        across, down = 0.3 + 0.1 * (n % 5), 0.35 + 0.2 * (n // 5)
        with page.expect_navigation():
            face.tap(position={"x": box["width"] * across, "y": box["height"] * down})
        assert page.locator("table.chart-points tr[data-point]").count() == n + 1
    screenshot(page, "session-2-chart")
    totals = page.locator("table.chart-totals tbody tr").all_inner_texts()
    assert [" ".join(t.split()) for t in totals] == [
        "Hyaluronic acid 1% face 5 0.25 mL",
        "Vitamin cocktail face 5 0.25 mL",
    ]


def practitioner_takes_two_photos(page, screenshot, tmp_path):
    for moment, colour in (("Before", (210, 170, 150)), ("After", (220, 140, 130))):
        page.get_by_label("View").select_option("front")
        page.get_by_label(moment, exact=True).check()
        page.locator('input[type="file"]').set_input_files(
            photo_file(tmp_path, f"{moment}.jpg", colour)
        )
        page.get_by_role("button", name="Keep the photo").click()
        page.wait_for_load_state()
    screenshot(page, "session-3-photos")
    assert page.locator(".photo-pair img").count() == 2
    assert page.locator('input[type="file"]').get_attribute("capture") == "environment"


def admin_sees_who_received_the_lot(page, live_server, screenshot, pat):
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "alice", PASSWORD)
    lot = Lot.objects.get(number="HA-1")
    page.goto(f"{live_server.url}/clinic/lots/")
    page.get_by_role("link", name="HA-1").click()
    screenshot(page, "session-7-recall")
    rows = page.locator("table.recall-list tbody tr")
    assert (rows.count(), rows.first.locator("td").nth(1).inner_text()) == (1, str(pat))
    assert lot.quantity_left == 9


def test_a_point_is_dragged_with_a_finger_on_the_tablet(
    tablet_page, live_server, screenshot, course, paula
):
    """A finger drags point 1 across the face map; the move is saved and audited, and the
    table shows the new position. Once signed, the map has no point to drag."""
    page = tablet_page
    page.on("dialog", lambda dialog: dialog.accept())
    first = course.sessions.order_by("number").first()
    consented(course)
    session = started(first, paula)
    lot = Lot.objects.get(number="HA-1")
    charted = point_add(session=session, point=point(lot, x="0.3", y="0.4"), by=paula)
    point_add(session=session, point=point(lot, x="0.7", y="0.4"), by=paula)
    sign_in(page, live_server, "paula", PASSWORD)
    page.goto(f"{live_server.url}/clinic/sessions/{session.pk}/")
    face = page.locator('svg[data-map="face-front"]')
    face.scroll_into_view_if_needed()
    box = face.bounding_box()
    screenshot(page, "session-drag-1-before")
    with page.expect_navigation():
        touch_drag(page, box, (0.3, 0.4), (0.5, 0.75))
    screenshot(page, "session-drag-2-after")
    charted.refresh_from_db()
    assert (round(float(charted.x), 2), round(float(charted.y), 2)) == (0.5, 0.75)
    row = page.locator('table.chart-points tr[data-point="1"] td').nth(3)
    assert row.inner_text() == "0.50, 0.75"
    assert page.locator("table.chart-points tr[data-point]").count() == 2
    moves = AuditEvent.objects.filter(object_type="treatments.ChartPoint", action="update")
    assert moves.count() == 1
    session_sign(session=session, by=paula)
    page.reload()
    assert page.locator("svg [data-move-form]").count() == 0


def touch_drag(page, box, start, end, steps=8):
    """A finger put down at `start`, moved to `end` and lifted, as fractions of the box."""
    touch = page.context.new_cdp_session(page)

    def at(across, down):
        return [{"x": box["x"] + box["width"] * across, "y": box["y"] + box["height"] * down}]

    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": at(*start)})
    for step in range(1, steps + 1):
        across = start[0] + (end[0] - start[0]) * step / steps
        down = start[1] + (end[1] - start[1]) * step / steps
        touch.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": at(across, down)}
        )
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
