"""Acceptance 2: a staff member sets up a second factor, signs out, and signs in with it; a
stolen password alone gets nowhere. Once with an authenticator app, once with a passkey made
on Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain).
"""

import base64
import datetime as dt
import re

import pytest
import time_machine
from django_otp.oath import TOTP

from tests.browser.conftest import BROWSER_NOW
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
CODE_FIELD = "Code from your authenticator app, or a recovery code"


def type_password(page, live_server, username="paula", password=PASSWORD):
    page.goto(live_server.url + "/patients/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def app_code(secret):
    """What an authenticator app shows now for the key typed into it."""
    totp = TOTP(base64.b32decode(secret))
    return f"{totp.token():06d}"


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_an_authenticator_app_then_a_stolen_password_alone(
    page, browser, live_server, paula, pat, screenshot
):
    type_password(page, live_server)
    assert page.url == live_server.url + "/two-factor/set-up/?next=%2Fpatients%2F"
    screenshot(page, "second-factor-set-up")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Six-digit code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert (len(codes), page.get_by_role("heading", level=1).inner_text()) == (
        10,
        "Your recovery codes",
    )
    screenshot(page, "second-factor-recovery-codes")
    page.get_by_role("link", name="Continue").click()
    assert page.url == live_server.url + "/patients/"
    sign_out(page)

    # Back the next morning: the password, then the app's code of the moment.
    with time_machine.travel(BROWSER_NOW + dt.timedelta(hours=24), tick=True):
        type_password(page, live_server)
        assert page.get_by_role("heading", level=1).inner_text() == "Confirm it is you"
        screenshot(page, "second-factor-sign-in")
        page.get_by_label(CODE_FIELD).fill(app_code(secret))
        page.get_by_role("button", name="Continue").click()
        assert page.url == live_server.url + "/patients/"

        # Someone who stole the password, in another browser, gets no further than the code.
        thief = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        stolen = thief.new_page()
        type_password(stolen, live_server)
        stolen.get_by_label(CODE_FIELD).fill("123456")
        stolen.get_by_role("button", name="Continue").click()
        assert stolen.locator(".field.has-error .error").inner_text().startswith("That code")
        screenshot(stolen, "second-factor-wrong-code-phone")
        for address in ("/patients/", f"/patients/{pat.pk}/", "/api/v1/patients/"):
            answer = stolen.goto(live_server.url + address)
            assert answer.status in (200, 401)
            assert "/two-factor/" in stolen.url or answer.status == 401
        thief.close()


@pytest.mark.django_db(transaction=True)
def test_a_passkey_on_a_virtual_authenticator(page, live_server, rita, settings, screenshot):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.set_viewport_size({"width": 768, "height": 1024})
    type_password(page, live_server, "rita")
    page.get_by_role("button", name="Use a passkey on this device").click()
    page.wait_for_url(re.compile(r"/accounts/security/recovery-codes/"))
    assert len(page.locator(".recovery-codes code").all_inner_texts()) == 10
    screenshot(page, "second-factor-passkey-made-tablet")
    page.get_by_role("link", name="Continue").click()
    sign_out(page)

    type_password(page, live_server, "rita")
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(live_server.url + "/patients/")
    assert page.get_by_role("heading", level=1).inner_text() == "Patients"
