"""Every staff sign-in needs a second factor; a password alone opens nothing.

These tests sign in the long way (the password form, then the second step), as a person does.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.accounts.middleware import IDLE_SIGNED_OUT
from mesoclinic.accounts.second_factor import WRONG_CODE
from mesoclinic.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.second_factor import recovery_code

T0 = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def password_only(user):
    """A browser that has typed `user`'s password and nothing else."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code_now(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_a_stolen_password_alone_reaches_no_page_and_no_data(frozen, alice, pat):
    client = password_only(alice)
    pages = ["/", f"/patients/{pat.pk}/", "/accounts/staff/", "/audit/", "/accounts/security/"]
    assert {page: client.get(page)["Location"] for page in pages} == {
        page: f"/two-factor/?next={page}" for page in pages
    }
    machine = [client.get("/api/v1/patients/"), client.get(f"/fhir/r4/Patient/{pat.pk}")]
    assert [r.status_code for r in machine] == [401, 401]


@pytest.mark.parametrize("who", ["alice", "paula", "rita"])
def test_every_staff_role_is_sent_to_set_up_a_second_factor(frozen, who, request):
    client = password_only(request.getfixturevalue(who))
    assert client.get("/two-factor/")["Location"] == "/two-factor/set-up/?"


def test_a_patient_signs_in_with_a_password(frozen, pat):
    client = password_only(pat.user)
    assert client.get("/").status_code == 200


def test_setting_up_an_authenticator_app_then_signing_in_with_it(frozen, paula):
    client = password_only(paula)
    page = client.get("/two-factor/set-up/")
    assert page.context["qr"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=paula, confirmed=False)
    wrong = client.post("/two-factor/set-up/", {"code": "000000"})
    assert wrong.context["form"].errors["code"] == [WRONG_CODE]
    frozen.shift(dt.timedelta(seconds=2))  # after a wrong code the device waits a moment
    device.refresh_from_db()
    done = client.post("/two-factor/set-up/", {"code": code_now(device), "next": "/"})
    codes = done.context["codes"]
    assert (len(codes), done.templates[0].name) == (10, "accounts/recovery_codes.html")
    assert client.get("/").status_code == 200
    assert list(AuditEvent.objects.filter(actor=paula).values_list("summary", flat=True))[:2] == [
        "recovery codes issued",
        "second factor: authenticator app",
    ]
    # Next time: the password, then a code from the app (a newer one: each is good once).
    frozen.shift(dt.timedelta(seconds=30))
    again = password_only(paula)
    assert again.get("/two-factor/").templates[0].name == "accounts/second_factor.html"
    device.refresh_from_db()
    signed_in = again.post("/two-factor/", {"code": code_now(device), "next": "/patients/"})
    assert signed_in["Location"] == "/patients/"
    # A recovery code works once.
    third = password_only(paula)
    assert third.post("/two-factor/", {"code": codes[0]}).status_code == 302
    fourth = password_only(paula)
    assert fourth.post("/two-factor/", {"code": codes[0]}).context["form"].errors["code"] == [
        WRONG_CODE
    ]


def test_an_admin_resets_a_lost_second_factor_and_it_is_audited(frozen, alice, rita, client_for):
    recovery_code(rita)
    client_for(alice).post(reverse("accounts:second-factor-reset", args=[rita.pk]))
    assert StaticDevice.objects.filter(user=rita).count() == 0
    assert AuditEvent.objects.filter(action="update", object_id=str(rita.pk)).values_list(
        "actor", "summary"
    ).get() == (alice.pk, "second factor reset")
    assert password_only(rita).get("/two-factor/")["Location"] == "/two-factor/set-up/?"


def test_an_admin_cannot_reset_their_own_second_factor(frozen, alice, client_for):
    response = client_for(alice).post(reverse("accounts:second-factor-reset", args=[alice.pk]))
    assert response.status_code == 403


def test_an_idle_staff_sign_in_ends_after_the_clinics_idle_time(frozen, rita, harbour, client_for):
    harbour.staff_idle_minutes = 10
    harbour.save()
    client = client_for(rita)
    assert client.get("/").status_code == 200
    frozen.shift(dt.timedelta(minutes=9))
    assert client.get("/").status_code == 200
    frozen.shift(dt.timedelta(minutes=10, seconds=1))
    ended = client.get("/patients/", follow=True)
    assert ended.redirect_chain[0] == ("/login/?next=/patients/", 302)
    assert [str(m) for m in ended.context["messages"]] == [IDLE_SIGNED_OUT.format(minutes=10)]


def test_a_password_change_ends_the_other_sign_ins(frozen, rita, client_for):
    client = client_for(rita)
    assert client.get("/patients/").status_code == 200
    rita.set_password("a whole new passphrase")
    rita.save()
    assert client.get("/patients/")["Location"] == "/login/?next=/patients/"


def test_the_admin_sets_the_idle_time_within_bounds(frozen, alice, harbour, client_for):
    client = client_for(alice)
    refused = client.post(reverse("accounts:clinic-settings"), {"staff_idle_minutes": 1})
    assert refused.context["form"].errors["staff_idle_minutes"]
    client.post(reverse("accounts:clinic-settings"), {"staff_idle_minutes": 45})
    harbour.refresh_from_db()
    assert harbour.staff_idle_minutes == 45


def test_the_admin_sets_the_country_phone_numbers_are_read_in(client_for, alice, harbour):
    client = client_for(alice)
    url = reverse("accounts:clinic-settings")
    refused = client.post(url, {"staff_idle_minutes": 30, "country": "XX"})
    assert refused.context["form"].errors == {
        "country": ["“XX” is not a country's two-letter code (GB, RS, TR…)."]
    }
    client.post(url, {"staff_idle_minutes": 30, "country": "rs"})
    harbour.refresh_from_db()
    assert harbour.country == "RS"
