"""Putting a message in the outbox: it leaves once the change that wrote it is saved."""

from django.db import transaction

from mesoclinic.outbox.models import Email
from mesoclinic.outbox.tasks import email_send


def email_queue(*, to: str, subject: str, body: str, kind: str, clinic_id: int | None) -> Email:
    """Queue an email for the worker to send, once the surrounding transaction commits."""
    email = Email.objects.create(
        to=to, subject=subject[:200], body=body, kind=kind, clinic_id=clinic_id
    )
    transaction.on_commit(lambda: email_send.enqueue(email.pk))
    return email
