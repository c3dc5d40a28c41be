"""The consent and session pages and API: signing in the portal and on the tablet, the checks on
the day, charting by tap or table, signing; a signed record refuses every change."""

import datetime as dt
import json

import pytest
from django.test import Client

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain.sessions import SIGNED, point_add
from mesoclinic.treatments.models import ChartPoint, Consent, ConsentTemplate, TreatmentSession
from tests.inventory.factories import LotFactory
from tests.treatments.factories import (
    all_followed,
    booked_course,
    catalogue,
    consent_text,
    consented,
    point,
    started,
)

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def products(harbour):
    return catalogue(harbour)


@pytest.fixture
def course(rooms, pat, paula, products):
    return booked_course(pat, paula, [products["hyaluronic"], products["vitamins"]])


@pytest.fixture
def first(course):
    return course.sessions.order_by("number").first()


@pytest.fixture
def lot(products):
    return LotFactory(product=products["hyaluronic"], number="HA-1")


@pytest.fixture
def session(course, first, paula, alice, harbour):
    consent_text(harbour, alice)
    consented(course)
    return started(first, paula)


def test_the_admin_writes_a_new_version_of_a_consent_text(client_for, alice):
    response = client_for(alice).post(
        "/clinic/consent-texts/",
        {
            "treatment": "ref-000",
            "title": "Consent to mesotherapy",
            "text": "I agree.",
            "risks": "Infection\n\nBruising\n",
        },
    )
    template = ConsentTemplate.objects.get()
    assert (response.status_code, response.url) == (302, "/clinic/consent-texts/")
    assert (template.version, template.risks, template.written_by) == (
        1,
        ["Infection", "Bruising"],
        alice,
    )


def test_the_patient_signs_in_the_portal(client_for, pat, course, alice, harbour):
    consent_text(harbour, alice)
    client = client_for(pat.user)
    url = f"/portal/courses/{course.pk}/consent/"
    shown = client.get(url)
    signed = client.post(
        url,
        {
            "photos_allowed": "no",
            "typed_name": "Pat Example",
            "agreed": "on",
            "drawing": "M10 10 L30 40",
        },
    )
    consent = Consent.objects.get()
    assert (shown.status_code, signed.status_code, signed.url) == (200, 302, url)
    assert (consent.signed_via, consent.photos_allowed, consent.drawing, consent.recorded_by) == (
        "portal",
        False,
        "M10 10 L30 40",
        pat.user,
    )
    assert "Signed on" in client.get(url).content.decode()


def test_a_drawing_that_is_not_path_data_is_refused(client_for, pat, course, alice, harbour):
    consent_text(harbour, alice)
    response = client_for(pat.user).post(
        f"/portal/courses/{course.pk}/consent/",
        {
            "photos_allowed": "yes",
            "typed_name": "Pat",
            "agreed": "on",
            "drawing": '"/><script>alert(1)</script>',
        },
    )
    assert response.context["form"].non_field_errors() == [
        "The drawn signature could not be read: clear it and draw it again, or sign with your "
        "typed name only."
    ]
    assert Consent.objects.count() == 0


def test_the_patient_signs_on_the_clinics_tablet(client_for, rita, course, alice, harbour):
    consent_text(harbour, alice)
    response = client_for(rita).post(
        f"/clinic/courses/{course.pk}/consent/",
        {"photos_allowed": "yes", "typed_name": "Pat Example", "agreed": "on"},
    )
    consent = Consent.objects.get()
    assert (response.status_code, response.url) == (302, f"/clinic/consents/{consent.pk}/")
    assert (consent.signed_via, consent.recorded_by, consent.drawing) == ("tablet", rita, "")


def test_a_signed_consent_page_and_api_change_nothing(client_for, alice, course, harbour):
    consent_text(harbour, alice)
    consent = consented(course)
    client = client_for(alice)
    page = client.post(f"/clinic/consents/{consent.pk}/", {"photos_allowed": "no"})
    api = f"/api/v1/treatments/consents/{consent.pk}"
    read = client.get(api)
    changed = client.put(api, json.dumps({"photos_allowed": False}), "application/json")
    assert (page.status_code, read.status_code, changed.status_code) == (405, 200, 405)
    assert (read.json()["photos_allowed"], Consent.objects.get().photos_allowed) == (True, True)


def test_the_checks_on_the_day_then_the_start(client_for, paula, course, first, alice, harbour):
    client = client_for(paula)
    url = f"/clinic/appointments/{first.pk}/session/"
    without = client.get(url).content.decode()
    consent_text(harbour, alice)
    consented(course)
    checks = client.get(url)
    steps = all_followed(first)
    answers = {f"step_{n}": "yes" for n in range(len(steps))}
    started_now = client.post(url, {**answers, "step_0": "no", "note_0": "Had one coffee"})
    session = TreatmentSession.objects.get()
    assert "No valid consent for this course" in without
    assert checks.context["missing_before"] == [
        "Front",
        "Left 45°",
        "Right 45°",
        "Left 90°",
        "Right 90°",
    ]
    assert [step.instruction for step in checks.context["form"].steps] == [
        step.instruction for step in steps
    ]
    assert (started_now.status_code, started_now.url) == (302, f"/clinic/sessions/{session.pk}/")
    assert session.preparation[0] == {
        "instruction": steps[0].instruction,
        "concept": steps[0].concept,
        "followed": False,
        "note": "Had one coffee",
    }


def test_reception_does_not_open_the_session_record(client_for, rita, session):
    assert client_for(rita).get(f"/clinic/sessions/{session.pk}/").status_code == 403


def tap(client, session, lot, x="0.5"):
    return client.post(
        f"/clinic/sessions/{session.pk}/points/",
        {
            "map": "face-front",
            "area": "face",
            "x": x,
            "y": "0.3",
            "lot": lot.pk,
            "depth_mm": "1",
            "volume_ml": "0.05",
            "technique": "papules",
        },
    )


def test_a_tapped_point_is_charted_and_totalled(client_for, paula, session, lot):
    client = client_for(paula)
    tap(client, session, lot, x="0.25")
    tap(client, session, lot, x="0.75")
    page = client.get(f"/clinic/sessions/{session.pk}/")
    totals = page.context["totals"]
    assert [(p.x, p.map, p.lot.number) for p in page.context["points"]] == [
        (pytest.approx(0.25), "face-front", "HA-1"),
        (pytest.approx(0.75), "face-front", "HA-1"),
    ]
    assert [(t.product, t.area, t.points, str(t.volume_ml)) for t in totals] == [
        ("Hyaluronic acid 1%", "face", 2, "0.10")
    ]
    first, second = (p.pk for p in page.context["points"])
    assert page.context["chart_maps"][0]["points"] == [
        {"n": 1, "pk": first, "cx": 50.0, "cy": 78.0},
        {"n": 2, "pk": second, "cx": 150.0, "cy": 78.0},
    ]


def test_a_recalled_lot_is_refused_on_the_page(client_for, paula, session, products):
    recalled = LotFactory(product=products["hyaluronic"], number="HA-R", status="recalled")
    response = tap(client_for(paula), session, recalled)
    assert ChartPoint.objects.count() == 0
    assert [str(m) for m in response.wsgi_request._messages] == [
        "lot: Select a valid choice. That choice is not one of the available choices."
    ]


def test_a_signed_session_page_and_api_change_nothing(client_for, paula, session, lot):
    charted = point_add(session=session, point=point(lot), by=paula)
    client = client_for(paula)
    signed = client.post(f"/clinic/sessions/{session.pk}/sign/")
    api = f"/api/v1/treatments/sessions/{session.pk}"
    body = {
        "map": "face-front",
        "area": "face",
        "x": "0.1",
        "y": "0.1",
        "lot": lot.pk,
        "depth_mm": "1",
        "volume_ml": "0.1",
        "technique": "papules",
    }
    answers = [
        client.post(f"/clinic/sessions/{session.pk}/", {"notes": "changed"}).status_code,
        tap(client, session, lot).status_code,
        client.post(
            f"/clinic/sessions/{session.pk}/points/{charted.pk}/", {"remove": "1"}
        ).status_code,
        client.post(f"{api}/points", json.dumps(body), "application/json").status_code,
        client.post(f"{api}/sign").status_code,
    ]
    session.refresh_from_db()
    assert (signed.status_code, session.signed) == (302, True)
    assert answers == [403, 403, 403, 409, 409]
    assert client.post(f"{api}/sign").json() == {"detail": SIGNED}
    assert (session.points.count(), session.notes) == (1, "")


def test_the_api_charts_and_signs(client_for, paula, session, lot):
    client = client_for(paula)
    api = f"/api/v1/treatments/sessions/{session.pk}"
    body = {
        "map": "face-left",
        "area": "face",
        "x": "0.2",
        "y": "0.6",
        "lot": lot.pk,
        "depth_mm": "1.5",
        "volume_ml": "0.2",
        "technique": "nappage",
    }
    added = client.post(f"{api}/points", json.dumps(body), "application/json")
    signed = client.post(f"{api}/sign")
    assert added.status_code == 201
    assert {k: added.json()[k] for k in ("map", "x", "lot_number", "volume_ml")} == {
        "map": "face-left",
        "x": "0.2000",
        "lot_number": "HA-1",
        "volume_ml": "0.20",
    }
    assert (signed.status_code, signed.json()["totals"]) == (
        200,
        [{"product": "Hyaluronic acid 1%", "area": "face", "points": 1, "volume_ml": "0.20"}],
    )


def test_reading_the_session_record_is_audited(client_for, paula, session, pat):
    client_for(paula).get(f"/clinic/sessions/{session.pk}/")
    read = AuditEvent.objects.filter(action="read", patient_id=pat.pk).order_by("pk").last()
    assert (read.summary, read.actor) == ("session record", paula)


@pytest.mark.parametrize("charted", [1, 3])
def test_the_session_page_reads_the_same_for_one_point_or_three(
    client_for, paula, session, lot, charted, django_assert_num_queries
):
    for n in range(charted):
        point_add(session=session, point=point(lot, x=f"0.{n + 1}"), by=paula)
    client = client_for(paula)
    # Sign-in, second factor and audit chain; the session with its consent, patient and course;
    # the plan and usable lots for the forms; the points with lots and products in one query;
    # the photos.
    with django_assert_num_queries(22):
        response = client.get(f"/clinic/sessions/{session.pk}/")
    assert len(response.context["points"]) == charted


def test_the_signed_consent_keeps_its_day(client_for, alice, course, harbour):
    consent_text(harbour, alice)
    consent = consented(course)
    assert consent.signed_at == dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def test_the_patients_dashboard_asks_for_the_consent_until_signed(
    client_for, pat, course, alice, harbour
):
    client = client_for(pat.user)
    before_text = client.get("/").context["consents_due"]
    consent_text(harbour, alice)
    due = client.get("/").context["consents_due"]
    consented(course)
    assert (before_text, due, client.get("/").context["consents_due"]) == ([], [course], [])


def test_the_signed_consent_is_kept_as_a_pdf(
    client_for, rita, course, alice, harbour, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    consent_text(harbour, alice)
    consent = consented(course)
    client = client_for(rita)
    first = client.get(f"/clinic/consents/{consent.pk}/pdf/")
    kept = tmp_path / f"consents/{harbour.pk}/{consent.patient_id}/consent-{consent.pk}.pdf"
    again = client.get(f"/clinic/consents/{consent.pk}/pdf/")
    assert (first["Content-Type"], first.content[:5], kept.read_bytes()) == (
        "application/pdf",
        b"%PDF-",
        first.content,
    )
    assert again.content == first.content


def test_the_session_record_is_a_pdf(client_for, paula, session, lot):
    point_add(session=session, point=point(lot), by=paula)
    response = client_for(paula).get(f"/clinic/sessions/{session.pk}/pdf/")
    assert (response.status_code, response["Content-Type"], response.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )


@pytest.mark.parametrize("versions", [1, 3])
def test_the_consent_texts_page_reads_the_same_for_one_version_or_three(
    client_for, alice, harbour, versions, django_assert_num_queries
):
    for _ in range(versions):
        consent_text(harbour, alice)
    client = client_for(alice)
    # 1 session, 2 user, 3 second factor, 4 the clinic's consent texts.
    with django_assert_num_queries(4):
        response = client.get("/clinic/consent-texts/")
    assert [t.version for t in response.context["templates"]] == list(range(versions, 0, -1))


def test_a_token_without_the_chart_scope_charts_nothing(paula, session, lot):
    token = api_token_create(paula, scopes=["read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {
        "map": "face-front",
        "area": "face",
        "x": "0.5",
        "y": "0.5",
        "lot": lot.pk,
        "depth_mm": "1",
        "volume_ml": "0.1",
        "technique": "papules",
    }
    api = f"/api/v1/treatments/sessions/{session.pk}"
    read = client.get(api)
    refused = client.post(f"{api}/points", json.dumps(body), "application/json")
    allowed = Client(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(paula, scopes=['read', 'chart'])}"
    ).post(f"{api}/points", json.dumps(body), "application/json")
    assert (read.status_code, refused.status_code, allowed.status_code) == (200, 403, 201)
    assert ChartPoint.objects.count() == 1
