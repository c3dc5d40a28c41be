"""Sending due reminders exactly once, by as many workers as run.

Each worker claims a batch of due reminders with `SELECT … FOR UPDATE SKIP LOCKED`, so no two
workers ever hold the same one, and in the same transaction writes each one's message into the
outbox under the reminder's own key, which the database keeps unique. A worker killed mid-batch
commits nothing: its reminders stay due and another worker sends them. A send the mail server
or the SMS gateway refuses is kept in the outbox, which retries it with backoff and shows it on
the clinic admin's outgoing messages page.
"""

import datetime as dt
import smtplib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone
from django_tasks.base import Task

from mesoclinic.followup.models import Channel, Reminder, ReminderStatus
from mesoclinic.outbox.delivery import RETRY_AFTER
from mesoclinic.outbox.models import DeliveryStatus, Email, Sms
from mesoclinic.outbox.sms import SmsBackend, sms_backend
from mesoclinic.outbox.tasks import email_send, sms_send

if TYPE_CHECKING:
    from django.template.backends.base import _EngineTemplate as Template

Message = TypeVar("Message", Email, Sms)
BATCH = 200
# A batch another worker holds is waited for this long before this worker gives up on it.
WAIT_FOR_OTHERS = dt.timedelta(minutes=2)
REFUSED = (OSError, smtplib.SMTPException)
NO_ADDRESS = "The patient has no email address or mobile number on their record."
SUBJECTS = {
    "appointment": "Your appointment at {clinic}",
    "preparation": "Before your session at {clinic}",
    "aftercare": "Your aftercare from {clinic}",
    "check-in": "How is your skin? A check-in from {clinic}",
    "recall": "Time for a maintenance session at {clinic}?",
}
# What sending reads: a batch loads these columns alone, not the whole patient and clinic.
READS = (
    "kind",
    "key",
    "text",
    "channel",
    "due_at",
    "clinic_id",
    "patient_id",
    "patient__given_name",
    "patient__email",
    "patient__phone",
    "clinic__name",
    "clinic__phone",
)


def send_due(now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Send every reminder due by `now` (by default, each time a batch starts); returns how many."""
    sent = 0
    waited_since = None
    while True:
        at = now or timezone.now()
        claimed = _send_batch(at, batch)
        sent += claimed
        if claimed:
            waited_since = None
            continue
        # Nothing left to claim: done, unless another worker still holds due reminders.
        if not Reminder.objects.filter(status=ReminderStatus.SCHEDULED, due_at__lte=at).exists():
            return sent
        waited_since = waited_since or timezone.now()
        if timezone.now() - waited_since > WAIT_FOR_OTHERS:
            return sent
        time.sleep(0.2)


def _send_batch(now: dt.datetime, batch: int) -> int:
    with transaction.atomic():
        due = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=ReminderStatus.SCHEDULED, due_at__lte=now)
            .select_related("patient", "clinic")
            .only(*READS)
            .order_by("due_at", "id")[:batch]
        )
        if not due:
            return 0
        _deliver(due, now)
        Reminder.objects.filter(pk__in=[r.pk for r in due]).update(
            status=ReminderStatus.SENT, sent_at=now
        )
    return len(due)


@dataclass
class _Outgoing:
    reminder: Reminder
    to: str
    channel: str


def _deliver(due: list[Reminder], now: dt.datetime) -> None:
    outgoing = [_addressed(reminder) for reminder in due]
    emails = [o for o in outgoing if o.channel == Channel.EMAIL]
    texts = [o for o in outgoing if o.channel == Channel.SMS]
    rows: list[Email] = [_no_address(o, now) for o in outgoing if not o.to]
    rows += _send_emails([o for o in emails if o.to], now)
    Email.objects.bulk_create(rows)
    sms_rows = Sms.objects.bulk_create(_send_texts([o for o in texts if o.to], now))
    for row in rows:
        if row.status == DeliveryStatus.QUEUED:
            _retry_later(email_send, row)
    for sms in sms_rows:
        if sms.status == DeliveryStatus.QUEUED:
            _retry_later(sms_send, sms)


def _addressed(reminder: Reminder) -> _Outgoing:
    """Where the reminder goes: the patient's channel, else whichever address they have."""
    patient = reminder.patient
    if reminder.channel == Channel.SMS and patient.phone:
        return _Outgoing(reminder, patient.phone, Channel.SMS)
    if patient.email:
        return _Outgoing(reminder, patient.email, Channel.EMAIL)
    return _Outgoing(reminder, patient.phone, Channel.SMS)


def _subject(reminder: Reminder) -> str:
    return SUBJECTS[reminder.kind].format(clinic=reminder.clinic.name)


@dataclass(frozen=True)
class _Templates:
    """The email's two templates, looked up once per batch rather than twice per reminder."""

    text: "Template"
    html: "Template"

    @classmethod
    def load(cls) -> "_Templates":
        return cls(get_template("followup/reminder.txt"), get_template("followup/reminder.html"))


def _message(reminder: Reminder, to: str, templates: _Templates) -> EmailMultiAlternatives:
    context = {"reminder": reminder, "clinic": reminder.clinic, "patient": reminder.patient}
    message = EmailMultiAlternatives(_subject(reminder), templates.text.render(context), None, [to])
    message.attach_alternative(templates.html.render(context), "text/html")
    return message


def _send_emails(outgoing: list[_Outgoing], now: dt.datetime) -> list[Email]:
    if not outgoing:
        return []
    rows = []
    templates = _Templates.load()
    with get_connection() as connection:
        for item in outgoing:
            message = _message(item.reminder, item.to, templates)
            row = _row(Email, item, now, subject=str(message.subject))
            try:
                connection.send_messages([message])
            except REFUSED as error:
                _refused(row, error, now, str(message.body))
            rows.append(row)
    return rows


def _send_texts(outgoing: list[_Outgoing], now: dt.datetime) -> list[Sms]:
    if not outgoing:
        return []
    backend: SmsBackend = sms_backend()
    rows = []
    for item in outgoing:
        body = f"{item.reminder.clinic.name}: {item.reminder.text}"
        row = _row(Sms, item, now)
        try:
            backend.send(item.to, body)
        except REFUSED as error:
            _refused(row, error, now, body)
        rows.append(row)
    return rows


def _row(model: type[Message], item: _Outgoing, now: dt.datetime, **fields: str) -> Message:
    """The outbox's record of a message that left; its key makes it the reminder's only one."""
    return model(
        clinic_id=item.reminder.clinic_id,
        kind=item.reminder.get_kind_display().lower(),
        to=item.to,
        status=DeliveryStatus.SENT,
        attempts=1,
        delivered_at=now,
        key=f"reminder-{item.reminder.pk}-{item.reminder.due_at:%Y%m%d%H%M}",
        **fields,
    )


def _refused(row: Email | Sms, error: BaseException, now: dt.datetime, body: str) -> None:
    row.status, row.delivered_at, row.body = DeliveryStatus.QUEUED, None, body
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    row.next_attempt_at = now + RETRY_AFTER[0]


def _no_address(item: _Outgoing, now: dt.datetime) -> Email:
    row = _row(Email, item, now, subject=_subject(item.reminder))
    row.status, row.delivered_at, row.last_error = DeliveryStatus.FAILED, None, NO_ADDRESS
    return row


def _retry_later(task: Task[[int], Any], row: Email | Sms) -> None:
    """The outbox's own task tries the message again after the first wait, then backs off."""
    if task.get_backend().supports_defer:
        task = task.using(run_after=row.next_attempt_at)
    transaction.on_commit(lambda: task.enqueue(row.pk))
