"""The worker's tasks: each sends one queued message and schedules its own retry."""

from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task

from mesoclinic.outbox.delivery import deliver
from mesoclinic.outbox.models import DeliveryStatus, Email, Sms
from mesoclinic.outbox.sms import sms_backend


@task(queue_name="email")
def email_send(email_id: int) -> str:
    """Send queued email `email_id`; a mail server that does not answer means a later retry."""
    with transaction.atomic():
        email = Email.objects.select_for_update().get(pk=email_id)
        message = EmailMessage(email.subject, email.body, None, [email.to])
        status = deliver(email, message.send, email_send)
        if status != DeliveryStatus.QUEUED and email.body:
            # Sent or given up: the links inside no longer need to be kept.
            email.body = ""
            email.save(update_fields=["body"])
    return str(status)


@task(queue_name="email")
def sms_send(sms_id: int) -> str:
    """Send queued text message `sms_id`; a gateway that does not answer means a later retry."""
    with transaction.atomic():
        sms = Sms.objects.select_for_update().get(pk=sms_id)
        status = deliver(sms, lambda: sms_backend().send(sms.to, sms.body), sms_send)
    return str(status)
