"""The audit trail records reads and changes, and cannot be altered."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.http import Http404
from django.urls import reverse

from mesoclinic.audit.models import AppendOnlyError, AuditEvent
from mesoclinic.patients.access import get_patient_for
from tests import factories


def test_reading_a_patient_through_the_loader_is_audited(paula, pat):
    assert get_patient_for(paula, pat.pk) == pat
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.patient_id, event.clinic_id) == (
        paula,
        "read",
        "patients.Patient",
        pat.pk,
        pat.clinic_id,
    )


def test_patient_may_load_only_themselves(pat, harbour):
    olive = factories.PatientFactory(clinic=harbour, with_account="olive")
    assert get_patient_for(pat.user, pat.pk) == pat
    with pytest.raises(Http404):
        get_patient_for(olive.user, pat.pk)


@pytest.mark.parametrize("patient_id", ["not-a-number", None, 10**9])
def test_loader_answers_404_for_nonsense_ids(paula, patient_id):
    with pytest.raises(Http404):
        get_patient_for(paula, patient_id)


def test_other_clinic_cannot_load_a_patient_and_the_refusal_is_on_its_clinics_trail(charlie, pat):
    with pytest.raises(Http404):
        get_patient_for(charlie, pat.pk)
    assert list(
        AuditEvent.objects.values_list("action", "clinic_id", "actor", "patient_id", "summary")
    ) == [
        (
            "denied",
            pat.clinic_id,
            charlie.pk,
            pat.pk,
            f"refused to charlie (clinic {charlie.clinic_id})",
        )
    ]


def test_anonymous_cannot_load_a_patient(pat):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_patient_for(AnonymousUser(), pat.pk)


def test_audit_rows_cannot_be_changed_or_deleted_through_the_app(paula, pat):
    get_patient_for(paula, pat.pk)
    event = AuditEvent.objects.get()
    event.summary = "nothing happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().summary == "chart"


def test_the_database_refuses_to_change_audit_rows(paula, pat):
    get_patient_for(paula, pat.pk)
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET summary = 'rewritten'")
    assert AuditEvent.objects.get().summary == "chart"


def test_the_database_refuses_to_delete_audit_rows(paula, pat):
    get_patient_for(paula, pat.pk)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_audit_page_lists_only_own_clinic_with_constant_queries(
    client_for, alice, paula, pat, peter, charlie, django_assert_num_queries
):
    get_patient_for(charlie, peter.pk)
    get_patient_for(paula, pat.pk)
    client = client_for(alice)
    # 1 session, 2 user, 3 their second factor, 4 count for the pager, 5 the page of events
    # with who acted, 6 the patients they name, 7 the audit chain's head, 8 the audit rows of
    # the patients shown
    with django_assert_num_queries(8):
        client.get(reverse("audit:events"))
    get_patient_for(paula, pat.pk)
    get_patient_for(paula, pat.pk)
    with django_assert_num_queries(8):
        response = client.get(reverse("audit:events"))
    # Newest first; force_login is a sign-in, so Alice's own login is on the trail too, and so
    # is her first look at the trail, a list that named Pat.
    assert [
        (e.actor_label, e.action, e.patient_id or e.shown_ids or None)
        for e in response.context["page"]
    ] == [
        ("paula", "read", pat.pk),
        ("paula", "read", pat.pk),
        ("alice", "read", [pat.pk]),
        ("alice", "login", None),
        ("paula", "read", pat.pk),
    ]


def test_audit_page_filters_by_patient(client_for, alice, paula, pat, harbour):
    olive = factories.PatientFactory(clinic=harbour)
    get_patient_for(paula, pat.pk)
    get_patient_for(paula, olive.pk)
    response = client_for(alice).get(reverse("audit:events"), {"patient": str(olive.pk)})
    assert [e.patient_id for e in response.context["page"]] == [olive.pk]


def test_audit_page_ignores_nonsense_filters(client_for, alice, paula, pat):
    get_patient_for(paula, pat.pk)
    response = client_for(alice).get(reverse("audit:events"), {"patient": "x'; --", "action": "?"})
    assert (response.status_code, len(response.context["page"])) == (200, 2)


def test_failed_sign_ins_and_refused_reads_show_on_the_clinics_audit_page(
    client, client_for, alice, charlie, pat
):
    client.post(reverse("login"), {"username": "alice", "password": "a guess"})
    with pytest.raises(Http404):
        get_patient_for(charlie, pat.pk)
    page = client_for(alice).get(reverse("audit:events"))
    shown = [(e.action, e.actor_label) for e in page.context["page"] if e.action != "login"]
    assert shown == [("denied", "charlie"), ("login-failed", "alice")]
    elsewhere = client_for(charlie).get(reverse("audit:events")).context["page"]
    assert [e.action for e in elsewhere if e.action != "login"] == []


def test_the_audit_trail_speaks_in_the_clinics_words(client_for, alice, paula, pat):
    get_patient_for(paula, pat.pk, purpose="chart")
    page = client_for(alice).get(reverse("audit:events"))
    line = next(line for line in page.context["lines"] if line.event.summary == "chart")
    assert (line.who, line.did, line.record, str(line.patient)) == (
        "Paula Tester (practitioner)",
        "viewed",
        "patient",
        "Pat Example",
    )
    text = page.content.decode()
    assert f'<a href="{reverse("chart", args=[pat.pk])}">Pat Example</a>' in text
    assert "patients.Patient" not in text.replace('title="patients.Patient', "")
