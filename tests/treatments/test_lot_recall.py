"""Lot recall: who received lot X, as a page, `mesoclinic lot-recall` and the API; marking a lot
recalled lists those patients for follow-up and stops it being charted."""

import importlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.audit.domain import PATIENT_LIST
from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain.sessions import LOT_BLOCKED, SessionRefused, point_add
from tests import factories
from tests.inventory.factories import LotFactory
from tests.treatments.factories import (
    booked_course,
    catalogue,
    consent_text,
    consented,
    point,
    started,
)

pytestmark = pytest.mark.usefixtures("frozen_now")

NO_SUCH_LOT = importlib.import_module(
    "mesoclinic.treatments.management.commands.lot-recall"
).NO_SUCH_LOT


@pytest.fixture
def products(harbour):
    return catalogue(harbour)


@pytest.fixture
def lot(products):
    return LotFactory(product=products["hyaluronic"], number="HA-7")


def charted_session(patient, paula, alice, products, lot):
    """A session of a new course for `patient` with one point from `lot`."""
    course = booked_course(patient, paula, [products["hyaluronic"]])
    consent_text(patient.clinic, alice)
    consented(course, by=paula)
    session = started(course.sessions.order_by("number").first(), paula)
    point_add(session=session, point=point(lot), by=paula)
    return session


@pytest.fixture
def received(rooms, pat, paula, alice, harbour, products, lot):
    """Pat's session and Sam's used lot HA-7; nobody else's did."""
    sam = factories.PatientFactory(
        clinic=harbour, given_name="Sam", phone="+44 20 7946 0000", email="sam@example.org"
    )
    other = LotFactory(product=products["hyaluronic"], number="HA-8")
    return [
        charted_session(pat, paula, alice, products, lot),
        charted_session(sam, paula, alice, products, lot),
        charted_session(
            factories.PatientFactory(clinic=harbour, given_name="Olive"),
            paula,
            alice,
            products,
            other,
        ),
    ][:2]


def test_the_command_lists_who_received_the_lot(capsys, received, pat):
    call_command("lot-recall", "HA-7", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert (printed["lots"][0]["number"], printed["patients"]) == ("HA-7", 2)
    assert [(s["name"], s["phone"], s["email"], s["date"]) for s in printed["sessions"]] == [
        (str(pat), pat.phone, pat.email, "2026-11-21"),
        ("Sam Example", "+44 20 7946 0000", "sam@example.org", "2026-11-21"),
    ]


def test_the_command_says_when_no_such_lot(harbour):

    with pytest.raises(CommandError) as refused:
        call_command("lot-recall", "NOPE")
    assert (
        str(refused.value)
        == f"No lot 'NOPE' in {harbour}; give the lot number on the box or the lot's id."
    )


def test_the_admin_recalls_the_lot_and_sees_whom_to_call(
    client_for, alice, received, lot, paula, pat
):
    client = client_for(alice)
    url = f"/clinic/lots/{lot.pk}/recall/"
    recalled = client.post(url, {"reason": "Manufacturer's notice 2026-11"})
    page = client.get(url)
    lot.refresh_from_db()
    assert (recalled.status_code, lot.status, lot.status_reason) == (
        302,
        "recalled",
        "Manufacturer's notice 2026-11",
    )
    assert [r.name for r in page.context["recipients"]] == [str(pat), "Sam Example"]
    with pytest.raises(SessionRefused) as refused:
        point_add(session=received[0], point=point(lot), by=paula)
    assert str(refused.value) == LOT_BLOCKED.format(
        lot="HA-7", product=lot.product, status="recalled"
    )


def test_only_the_admin_recalls(client_for, paula, lot):
    response = client_for(paula).post(f"/clinic/lots/{lot.pk}/recall/", {"reason": "x"})
    lot.refresh_from_db()
    assert (response.status_code, lot.status) == (403, "available")


def recall_audit(summary):
    """The audit rows of a recall list, as (who, what, patients shown in order)."""
    rows = AuditEvent.objects.filter(summary=summary).order_by("pk")
    return [(e.actor_label, e.object_type, e.shown_ids) for e in rows]


def test_the_api_lists_who_received_the_lot_audited_in_one_row(client_for, paula, received, lot):
    response = client_for(paula).get(f"/api/v1/treatments/lots/{lot.pk}/recipients")
    assert [s["session"] for s in response.json()["sessions"]] == [s.pk for s in received]
    assert recall_audit("API lot recall list: lot HA-7") == [
        ("paula", PATIENT_LIST, [s.patient_id for s in received])
    ]


def test_the_recall_page_is_audited_in_one_row(client_for, alice, received, lot):
    client_for(alice).get(f"/clinic/lots/{lot.pk}/recall/")
    assert recall_audit("lot recall list: lot HA-7") == [
        ("alice", PATIENT_LIST, [s.patient_id for s in received])
    ]


def test_the_command_is_audited_in_one_row(capsys, received):
    call_command("lot-recall", "HA-7")
    assert recall_audit("lot recall list: lot HA-7") == [
        ("system", PATIENT_LIST, [s.patient_id for s in received])
    ]


@pytest.mark.parametrize("sessions", [1, 3])
def test_the_recall_page_reads_the_same_for_one_session_or_three(
    client_for, alice, rooms, paula, harbour, products, lot, sessions, django_assert_num_queries
):
    for n in range(sessions):
        patient = factories.PatientFactory(clinic=harbour, given_name=f"P{n}")
        charted_session(patient, paula, alice, products, lot)
    client = client_for(alice)
    # Sign-in, second factor and audit chain head; the lot; the sessions with their patients;
    # the audit row naming the patients shown.
    with django_assert_num_queries(7):
        response = client.get(f"/clinic/lots/{lot.pk}/recall/")
    assert len(response.context["recipients"]) == sessions
