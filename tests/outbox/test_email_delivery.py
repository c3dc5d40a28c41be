"""Defect 7: with the mail server down, an intake link answered 500 and an invitation failed
while the admin was told it succeeded. Now emails are queued, the page says so, and the
worker retries until the server answers or the last retry is spent; each email shows its fate.
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.urls import reverse

from mesoclinic.outbox.delivery import RETRY_AFTER
from mesoclinic.outbox.models import DeliveryStatus, Email
from tests.factories import PatientFactory

T0 = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


class MailServerDown(OSError):
    pass


@pytest.fixture
def smtp(monkeypatch):
    """A mail server that can be taken down and brought back."""
    state = {"down": True}
    send = locmem.EmailBackend.send_messages

    def send_or_fail(backend, messages):
        if state["down"]:
            raise MailServerDown("Connection refused")
        return send(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_or_fail)
    return state


@pytest.fixture
def database_worker(settings):
    """Tasks wait in the database for `mesoclinic db_worker`, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }


def work():
    """What the worker does when it wakes: every task that is due, then it stops."""
    call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False)


@pytest.mark.django_db(transaction=True)
def test_an_intake_link_is_queued_with_the_server_down_and_sent_once_it_is_back(
    smtp, database_worker, harbour, rita, client_for
):
    lena = PatientFactory(clinic=harbour, given_name="Lena", email="lena@example.org")
    with time_machine.travel(T0, tick=False) as clock:
        response = client_for(rita).post(
            reverse("patients:intake-link", args=[lena.pk]), follow=True
        )
        (message,) = [str(m) for m in response.context["messages"]]
        assert (response.status_code, message[:41]) == (
            200,
            "Email to lena@example.org queued. Intake ",
        )
        work()
        email = Email.objects.get()
        assert (email.status, email.attempts, email.last_error, email.next_attempt_at) == (
            DeliveryStatus.QUEUED,
            1,
            "MailServerDown: Connection refused",
            T0 + RETRY_AFTER[0],
        )
        smtp["down"] = False
        work()  # not yet due
        assert Email.objects.get().attempts == 1
        clock.shift(RETRY_AFTER[0])
        work()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.body, [m.to for m in mail.outbox]) == (
        DeliveryStatus.SENT,
        2,
        "",
        [["lena@example.org"]],
    )


@pytest.mark.django_db(transaction=True)
def test_an_invitation_that_never_leaves_is_marked_failed_after_the_last_retry(
    smtp, database_worker, harbour, alice, client_for
):
    details = {
        "username": "nina",
        "first_name": "Nina",
        "last_name": "Shore",
        "email": "nina@example.org",
        "role": "reception",
        "is_active": "on",
    }
    with time_machine.travel(T0, tick=False) as clock:
        saved = client_for(alice).post(reverse("accounts:staff-new"), details, follow=True)
        assert [str(m) for m in saved.context["messages"]] == [
            "Saved Nina Shore. Invitation queued."
        ]
        work()
        for wait in RETRY_AFTER:
            clock.shift(wait)
            work()
    email = Email.objects.get()
    assert (email.kind, email.status, email.attempts, email.body) == (
        "staff invitation",
        DeliveryStatus.FAILED,
        len(RETRY_AFTER) + 1,
        "",
    )
    assert mail.outbox == []


def test_the_admin_sees_each_emails_fate_and_its_query_count_does_not_grow(
    client_for, alice, harbour, riverside, django_assert_num_queries
):
    client = client_for(alice)
    Email.objects.create(clinic=harbour, kind="intake link", to="a@example.org", subject="s")
    Email.objects.create(clinic=riverside, kind="intake link", to="b@example.org", subject="s")
    # 1 session, 2 user, 3 their second factor, 4 the count for the pager, 5 the page of emails,
    # 6 the latest text messages
    with django_assert_num_queries(6):
        client.get(reverse("accounts:emails"))
    for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        Email.objects.create(
            clinic=harbour, kind="password reset", to="c@example.org", subject="s", status=status
        )
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:emails"))
    assert [(e.to, e.status) for e in response.context["page"]] == [
        ("c@example.org", "failed"),
        ("c@example.org", "sent"),
        ("a@example.org", "queued"),
    ]
