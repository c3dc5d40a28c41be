"""The worker's reminder task, and the wake-ups that start it when reminders fall due."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django_tasks import task

from mesoclinic.followup.sending import send_due


@task(queue_name="reminders")
def reminders_send() -> int:
    """Send every reminder due now; any number of workers may run this at once."""
    return send_due(batch=settings.REMINDERS_BATCH)


def wake_at(instants: Iterable[dt.datetime]) -> None:
    """Have a worker run the reminders when each of `instants` comes, once the change commits."""
    # One wake-up per minute is enough: each sends everything due by then.
    minutes = sorted({instant.replace(second=0, microsecond=0) for instant in instants})
    if not minutes:
        return
    transaction.on_commit(lambda: _enqueue(minutes))


def _enqueue(minutes: list[dt.datetime]) -> None:
    if not reminders_send.get_backend().supports_defer:
        # A backend that cannot wait (the tests' immediate one) runs the due reminders now.
        reminders_send.enqueue()
        return
    for minute in minutes:
        reminders_send.using(run_after=minute + dt.timedelta(minutes=1)).enqueue()
