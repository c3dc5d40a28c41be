"""Two sessions signed at once that both used the last vial of a lot: on PostgreSQL the lot's
row lock orders them, so the stock never goes below nothing and one signature is refused."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from mesoclinic.inventory.models import Lot
from mesoclinic.treatments.domain.sessions import LOT_EMPTY, SessionRefused, point_add, session_sign
from tests import factories
from tests.inventory.factories import LotFactory
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


def at_once(*changes):
    """Run each change on its own connection, all released together; their outcomes."""
    start = threading.Barrier(len(changes))
    outcomes = [None] * len(changes)

    def run(n):
        try:
            start.wait()
            changes[n]()
            outcomes[n] = "done"
        except SessionRefused as refused:
            outcomes[n] = str(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(changes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_last_vial_goes_to_one_signature_only():
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    paula = factories.PractitionerFactory(clinic=harbour, user__username="paula").user
    alice = factories.UserFactory(username="alice", clinic=harbour, role="admin")
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=True):
        open_clinic(harbour, [paula.practitioner])
        products = catalogue(harbour)
        consent_text(harbour, alice)
        last = LotFactory(product=products["hyaluronic"], number="HA-1", quantity_received=1)
        sessions = []
        for name in ("Ann", "Bea"):
            patient = factories.PatientFactory(clinic=harbour, given_name=name)
            course = booked_course(patient, paula, [products["hyaluronic"]])
            consented(course, by=paula)
            session = started(course.sessions.order_by("number").first(), paula)
            point_add(session=session, point=point(last), by=paula)
            sessions.append(session)
        outcomes = at_once(*(lambda s=s: session_sign(session=s, by=paula) for s in sessions))
    assert sorted(outcomes) == sorted(
        ["done", LOT_EMPTY.format(lot="HA-1", product=products["hyaluronic"])]
    )
    assert Lot.objects.get(pk=last.pk).quantity_left == 0
