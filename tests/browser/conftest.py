"""A real Chromium (Debian's) driven by Playwright against the live test server."""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Monday 30 Nov 2026, 08:00 in London: every browser test starts here, whatever today is.
BROWSER_NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def fixed_clock():
    """The live server's clock, ticking from BROWSER_NOW; a test may travel further itself."""
    with time_machine.travel(BROWSER_NOW, tick=True):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Generous: a waiting step fails only when the page never comes, not when the machine is busy.
WAIT_MS = 30_000


@pytest.fixture
def page(browser):
    yield from _page_in(browser, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone_page(browser):
    yield from _page_in(browser, viewport={"width": 390, "height": 844}, is_mobile=True)


@pytest.fixture
def tablet_page(browser):
    yield from _page_in(browser, viewport={"width": 768, "height": 1024}, has_touch=True)


def _page_in(browser, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, live_server, username, password):
    """Sign in as a person does: the password, then for staff a recovery code of their own."""
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/two-factor/" in page.url:
        from mesoclinic.accounts.models import User
        from tests.second_factor import recovery_code

        code = recovery_code(User.objects.get(username=username), code=f"code-{username}")
        if "/set-up/" in page.url:
            page.goto(page.url.replace("/set-up/", "/"))
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def open_page(page, name):
    """Follow a link of the main navigation, opening the menu first where it is folded away."""
    toggle = page.locator(".nav-toggle-label")
    if toggle.is_visible():
        toggle.click()
    page.locator(".mainnav").get_by_role("link", name=name, exact=True).click()


def start_and_chart_one_point(page, live_server, appointment, *, across):
    """As the signed-in practitioner: start `appointment`'s session and tap one point on the
    front of the face, `across` its width (0–1), with the first lot."""
    page.goto(f"{live_server.url}/clinic/appointments/{appointment.pk}/")
    page.get_by_role("link", name="Session record").click()
    for followed in page.get_by_label("Followed", exact=True).all():
        followed.check()
    page.get_by_role("button", name="Start the session").click()
    page.wait_for_url("**/clinic/sessions/*/")
    page.get_by_label("Lot", exact=True).select_option(index=0)
    page.get_by_label("Depth (mm)").fill("1")
    page.get_by_label("Volume (mL)").fill("0.05")
    face = page.locator('svg[data-map="face-front"]')
    box = face.bounding_box()
    with page.expect_navigation():
        face.tap(position={"x": box["width"] * across, "y": box["height"] * 0.4})
    assert page.locator("table.chart-points tr[data-point]").count() == 1
