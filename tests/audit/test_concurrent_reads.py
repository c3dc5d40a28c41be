"""Readers of patient data do not wait on each other for the audit chain (issue 17).

Two real connections to PostgreSQL: one reader keeps its transaction open, holding the chain's
lock; the other's read, audited too, completes meanwhile, and its event joins the chain once
both have committed.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from mesoclinic.audit.models import AuditEvent, chain_committed
from mesoclinic.audit.verify import verify_chain
from mesoclinic.patients.access import get_patient_for

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time"),
    pytest.mark.django_db(transaction=True),
]


def read_elsewhere(reader, patient_id):
    """A read on a connection of its own that gives up after 3 s waiting on any lock."""
    outcome = {}

    def read():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            get_patient_for(reader, patient_id, purpose="chart")
            outcome["read"] = "done"
        except Exception as error:  # the outcome the test compares
            outcome["read"] = type(error).__name__
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return outcome


def test_a_read_completes_while_another_readers_transaction_is_open(paula, pat):
    with transaction.atomic():
        get_patient_for(paula, pat.pk, purpose="screen")
        assert read_elsewhere(paula, pat.pk) == {"read": "done"}

    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0
    assert [(e.summary, e.seq is not None) for e in AuditEvent.objects.order_by("seq")] == [
        ("screen", True),
        ("chart", True),
    ]
    verdict = verify_chain()
    assert (verdict.intact, verdict.events) == (True, 2)


def test_after_a_commit_with_nothing_left_unchained_one_read_suffices(
    paula, pat, django_assert_num_queries
):
    get_patient_for(paula, pat.pk, purpose="chart")
    # Nothing waits to join the chain: the look after each commit is one read, no transaction.
    with django_assert_num_queries(1):
        assert chain_committed(wait=False) == 0
