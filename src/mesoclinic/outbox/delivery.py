"""One attempt at a delivery, and the retries after a failure: shared by every kind of message."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_tasks.base import Task

from mesoclinic.outbox.models import Delivery, DeliveryStatus

# Waits before each retry: a mail server down for a few hours loses nothing.
RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
# What counts as the receiving side failing, worth trying again later.
TRANSIENT = (OSError,)


def deliver(
    delivery: Delivery,
    send: Callable[[], object],
    retry: Task[[int], Any],
    transient: tuple[type[BaseException], ...] = TRANSIENT,
) -> DeliveryStatus:
    """Try `send` once; on a transient failure enqueue `retry` later, or give up after the last."""
    if delivery.status != DeliveryStatus.QUEUED:
        return DeliveryStatus(delivery.status)
    delivery.attempts += 1
    try:
        send()
    except transient as error:
        return _failed(delivery, error, retry)
    delivery.status = DeliveryStatus.SENT
    delivery.delivered_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save()
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, error: BaseException, retry: Task[[int], Any]) -> DeliveryStatus:
    delivery.last_error = f"{type(error).__name__}: {error}"[:300]
    if delivery.attempts > len(RETRY_AFTER):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.save()
        return DeliveryStatus.FAILED
    delivery.next_attempt_at = timezone.now() + RETRY_AFTER[delivery.attempts - 1]
    delivery.save()
    retry.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return DeliveryStatus.QUEUED
