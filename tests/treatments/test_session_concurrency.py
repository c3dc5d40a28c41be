"""Two sessions signed at once that both used the last vial of a lot: on PostgreSQL the lot's
row lock orders them, so the stock never goes below nothing and one signature is refused."""

import datetime as dt
import threading
from unittest.mock import patch

import pytest
import time_machine
from django.db import connection

from mesoclinic.inventory.models import Lot
from mesoclinic.treatments.domain import sessions as sessions_module
from mesoclinic.treatments.domain.sessions import LOT_EMPTY, SessionRefused, point_add, session_sign
from tests import factories
from tests.inventory.factories import LotFactory
from tests.races import race
from tests.scheduling.factories import open_clinic
from tests.treatments.factories import (
    booked_course,
    catalogue,
    consent_text,
    consented,
    point,
    started,
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def two_sessions_charted(paula, lot):
    """Ann's and Bea's sessions started, each with one point from `lot`."""
    harbour = paula.clinic
    sessions = []
    for name in ("Ann", "Bea"):
        patient = factories.PatientFactory(clinic=harbour, given_name=name)
        course = booked_course(patient, paula, [lot.product])
        consented(course, by=paula)
        session = started(course.sessions.order_by("number").first(), paula)
        point_add(session=session, point=point(lot), by=paula)
        sessions.append(session)
    return sessions


@pytest.fixture
def clinic():
    """Harbour with Paula's calendar open, its catalogue and consent text; its products."""
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    paula = factories.PractitionerFactory(clinic=harbour, user__username="paula").user
    alice = factories.UserFactory(username="alice", clinic=harbour, role="admin")
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=True):
        open_clinic(harbour, [paula.practitioner])
        products = catalogue(harbour)
        consent_text(harbour, alice)
        yield paula, products


def test_the_last_vial_goes_to_one_signature_only(clinic):
    paula, products = clinic
    last = LotFactory(product=products["hyaluronic"], number="HA-1", quantity_received=1)
    ann, bea = two_sessions_charted(paula, last)
    outcomes = race(
        lambda: session_sign(session=ann, by=paula),
        lambda: session_sign(session=bea, by=paula),
        refused=SessionRefused,
    )
    assert sorted(outcomes) == sorted(
        ["done", LOT_EMPTY.format(lot="HA-1", product=products["hyaluronic"])]
    )
    assert Lot.objects.get(pk=last.pk).quantity_left == 0


def test_a_point_charted_while_a_signature_holds_its_lot_does_not_wait(clinic):
    """The signature locks the lots it takes stock from; a point charted from one of them in
    another session meanwhile (its foreign key's check) goes through at once."""
    paula, products = clinic
    lot = LotFactory(product=products["hyaluronic"], number="HA-1")
    ann, bea = two_sessions_charted(paula, lot)
    holding, charted = threading.Event(), threading.Event()
    mark_done = sessions_module._appointment_done

    def hold_the_lots(appointment):
        holding.set()
        charted.wait(timeout=10)
        mark_done(appointment)

    def chart_meanwhile():
        holding.wait(timeout=10)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            point_add(session=bea, point=point(lot, x="0.6"), by=paula)
        finally:
            charted.set()

    with patch.object(sessions_module, "_appointment_done", hold_the_lots):
        outcomes = race(
            lambda: session_sign(session=ann, by=paula), chart_meanwhile, refused=SessionRefused
        )
    assert outcomes == ["done", "done"]
    assert (bea.points.count(), Lot.objects.get(pk=lot.pk).quantity_left) == (2, 9)
