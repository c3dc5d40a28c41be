"""Acceptance 4: `mesoclinic audit-verify` finds an event changed or deleted by raw SQL.

The attacker here has the database in hand: they drop or disable the triggers first, as only
the tables' owner can. On PostgreSQL the application's own role cannot even do that
(test_application_role_can_only_read_and_add_audit_events).
"""

import json
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action, AuditEvent, written_together
from mesoclinic.audit.verify import CHANGED, FIRST_MISSING, MISSING, verify_chain
from mesoclinic.patients.access import get_patient_for

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def three_reads(paula, pat):
    for purpose in ("chart", "screen", "edit demographics"):
        get_patient_for(paula, pat.pk, purpose=purpose)
    return list(AuditEvent.objects.order_by("id"))


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def triggers_off():
    """What the tables' owner can do and the application's role cannot."""
    if ON_POSTGRESQL:
        raw("SET LOCAL session_replication_role = replica")
    else:
        raw("DROP TRIGGER audit_event_no_update")
        raw("DROP TRIGGER audit_event_no_delete")


def verify(capsys):
    """audit-verify's JSON, and its exit: None when intact, else its message."""
    try:
        call_command("audit-verify", json=True)
        failure = None
    except CommandError as error:
        failure = (error.returncode, str(error))
    return json.loads(capsys.readouterr().out), failure


def test_each_event_is_chained_to_the_one_before(three_reads, capsys):
    first, second, third = three_reads
    assert (first.prev_hash, second.prev_hash, third.prev_hash) == ("", first.hash, second.hash)
    assert [e.hash == e.chain_hash(e.prev_hash) for e in three_reads] == [True] * 3
    document, failure = verify(capsys)
    assert (document, failure) == (
        {"intact": True, "events": 3, "head": third.hash, "broken_at": None, "problem": ""},
        None,
    )


def test_a_list_writes_its_events_chained_in_one_insert(client_for, rita, pat, harbour):
    from tests.factories import PatientFactory

    PatientFactory.create_batch(2, clinic=harbour, family_name="Shore")
    client_for(rita).get("/patients/", {"q": "shore"})
    assert verify_chain().intact
    assert verify_chain().events == AuditEvent.objects.count()


def test_audit_verify_finds_an_event_changed_by_raw_sql(three_reads, capsys):
    triggers_off()
    raw("UPDATE audit_auditevent SET summary = 'nothing to see' WHERE id = %s", three_reads[1].pk)
    document, failure = verify(capsys)
    problem = CHANGED.format(id=three_reads[1].pk)
    assert (document["intact"], document["events"], document["broken_at"]) == (
        False,
        1,
        three_reads[1].pk,
    )
    assert failure == (1, f"The audit trail is broken: {problem} (1 events before it hold).")


def test_audit_verify_finds_an_event_deleted_by_raw_sql(three_reads, capsys):
    triggers_off()
    raw("DELETE FROM audit_auditevent WHERE id = %s", three_reads[1].pk)
    document, _ = verify(capsys)
    assert (document["broken_at"], document["problem"]) == (
        three_reads[2].pk,
        MISSING.format(id=three_reads[2].pk, previous=three_reads[0].pk),
    )


def test_audit_verify_finds_the_oldest_events_deleted(three_reads, capsys):
    triggers_off()
    raw("DELETE FROM audit_auditevent WHERE id = %s", three_reads[0].pk)
    document, _ = verify(capsys)
    assert document["problem"] == FIRST_MISSING.format(id=three_reads[1].pk)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="roles are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_application_role_can_only_read_and_add_audit_events(paula, pat):
    """A real second role, set up as the README says, tries every way to erase the trail."""
    get_patient_for(paula, pat.pk)
    role = f"mesoclinic_app_{uuid.uuid4().hex[:8]}"
    raw(f'CREATE ROLE "{role}" LOGIN')
    try:
        call_command("audit-grant", role)
        answers = attempts_as(role)
    finally:
        raw(f'DROP OWNED BY "{role}"')
        raw(f'DROP ROLE "{role}"')
    assert answers == {
        "read": "ok",
        "add": "ok",
        "read patients": "ok",
        "change a patient": "ok",
        "update": "InsufficientPrivilege",
        "rewrite the chain": "RaiseException",
        "delete": "InsufficientPrivilege",
        "truncate": "InsufficientPrivilege",
        "disable the trigger": "InsufficientPrivilege",
        "replication role": "InsufficientPrivilege",
        "drop the trigger": "InsufficientPrivilege",
    }
    assert verify_chain().intact


def attempts_as(role):
    """Each statement in its own transaction as `role`: "ok" or the error's class name."""
    params = connection.get_connection_params()
    params.update(user=role, password="")
    statements = {
        "read": "SELECT count(*) FROM audit_auditevent",
        "add": (
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id,"
            " summary, prev_hash, hash) VALUES (now(), 'app', 'read', 'x', '', '',"
            " coalesce(audit_chain_head(), ''), 'not chained')"
        ),
        "read patients": "SELECT count(*) FROM patients_patient",
        "change a patient": "UPDATE patients_patient SET phone = phone",
        "update": "UPDATE audit_auditevent SET summary = 'x'",
        # It may set a new event's place in the chain, once; the trigger refuses anything else.
        "rewrite the chain": "UPDATE audit_auditevent SET hash = 'x', prev_hash = ''",
        "delete": "DELETE FROM audit_auditevent",
        "truncate": "TRUNCATE audit_auditevent",
        "disable the trigger": "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "replication role": "SET session_replication_role = replica",
        "drop the trigger": "DROP TRIGGER audit_event_no_change ON audit_auditevent",
    }
    answers = {}
    with psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")}) as app:
        for name, sql in statements.items():
            try:
                with app.transaction(force_rollback=name == "add"):
                    app.execute(sql)
                answers[name] = "ok"
            except psycopg.Error as error:
                answers[name] = type(error).__name__
    return answers


def test_events_written_together_are_one_insert_chained_in_order(
    paula, pat, django_assert_num_queries
):
    # The chain's head and one insert for three events, where each alone would make two.
    with django_assert_num_queries(2), written_together():
        for purpose in ("chart", "screen", "edit demographics"):
            audit_record(by=paula, action=Action.READ, obj=pat, summary=purpose)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.summary for e in events] == ["chart", "screen", "edit demographics"]
    assert [e.seq for e in events] == [1, 2, 3]
    assert verify_chain().intact


def test_events_held_back_are_written_when_the_page_fails_part_way(paula, pat):
    def read_then_fail():
        with written_together():
            audit_record(by=paula, action=Action.READ, obj=pat, summary="chart")
            raise LookupError("the page failed after reading the chart")

    with pytest.raises(LookupError):
        read_then_fail()
    assert list(AuditEvent.objects.values_list("summary", flat=True)) == ["chart"]


def test_inside_another_the_outer_one_writes_the_events(paula, pat):
    with written_together():
        with written_together():
            audit_record(by=paula, action=Action.READ, obj=pat, summary="chart")
        assert AuditEvent.objects.count() == 0
    assert AuditEvent.objects.count() == 1
