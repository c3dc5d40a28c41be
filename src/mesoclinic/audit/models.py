"""The audit trail: who read or changed which record, when and from where. Append-only.

Each event carries the SHA-256 of its content and of the event before it, so a row changed or
deleted behind the application's back breaks the chain (`mesoclinic audit-verify` finds where).
`seq` is its place in the chain. An event joins the chain as it is written, under the chain's
lock, when that lock is free: on SQLite, whose one writer at a time is the lock, always. On
PostgreSQL, when another open transaction holds it, the event is written unchained and joins
the chain once committed (`chain_committed`), so readers of patient data never wait on each
other's open transactions.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from mesoclinic.audit.database import any_unchained, chain_head, chain_head_if_free, set_links
from mesoclinic.rows import insert_objects

APPEND_ONLY = "Audit events are append-only: they cannot be changed or deleted."


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


# The events held back by `written_together`, while it lasts.
_held_back: ContextVar[list["AuditEvent"] | None] = ContextVar("audit_held_back", default=None)


@contextmanager
def written_together() -> Iterator[None]:
    """Hold back the audit events written inside, and write them in one insert as it ends.

    For a page that audits several lists it showed: each event is a transaction and the chain's
    lock, so one write for all of them saves that page most of its audit's round trips. The
    events are written even when the page fails part way: what it read was read. Inside one
    already, the outer one writes them.
    """
    if _held_back.get() is not None:
        yield
        return
    token = _held_back.set([])
    try:
        yield
    finally:
        events = _held_back.get() or []
        _held_back.reset(token)
        AuditEvent.objects.bulk_create(events)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(  # type: ignore[override]  # events only join the chain, nothing else
        self, objs: Iterable["AuditEvent"], batch_size: int | None = None
    ) -> list["AuditEvent"]:
        """Append `objs` in one insert: chained now if the chain's lock is free, else once
        committed (PostgreSQL), never waiting on another transaction. `batch_size` is Django's
        argument, unused: the database's own limits split the rows."""
        events = list(objs)
        held_back = _held_back.get()
        if held_back is not None:
            held_back += events
            return events
        if not events:
            return events
        with transaction.atomic(using=self.db, savepoint=False):
            head = chain_head_if_free(self.db)
            if head is not None:
                _link(events, *head)
            insert_objects(events, using=self.db)
        if connections[self.db].vendor == "postgresql":
            # Events written unchained meanwhile, ours or others', join once we commit.
            transaction.on_commit(lambda: chain_committed(self.db, wait=False), using=self.db)
        return events

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)


def chain_committed(using: str = "default", wait: bool = True) -> int:
    """Chain every committed event not yet chained, in the order of their ids; how many.

    In a transaction of its own, under the chain's lock; without `wait`, nothing when another
    transaction holds it (that one chains what is left when it commits, or the next one does).
    """
    if not wait and not any_unchained(using):
        # Almost always so, and one read of a partial index rather than a transaction. An
        # event committed after this read is its writer's to chain: it looks here after its
        # own commit, as this one does.
        return 0
    with transaction.atomic(using=using):
        head = chain_head(using) if wait else chain_head_if_free(using)
        if head is None:
            return 0
        seq, previous = head
        pending = list(AuditEvent.objects.using(using).filter(seq__isnull=True).order_by("id"))
        _link(pending, seq, previous)
        set_links([(e.seq, e.prev_hash, e.hash, e.pk) for e in pending], using)
    return len(pending)


def _link(events: list["AuditEvent"], seq: int, previous: str) -> None:
    """Give `events`, in order, the places after `seq` and the hashes after `previous`."""
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = event.chain_hash(previous)


class Action(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    LOGIN = "login", "Sign in"
    LOGIN_FAILED = "login-failed", "Failed sign in"
    LOGOUT = "logout", "Sign out"
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"
    # An attempt refused: another clinic's record, or a sign-in stopped by throttling.
    DENIED = "denied", "Refused"


class AuditEvent(models.Model):
    """One read or change of a record by one person (or by the system, when actor is empty)."""

    # Set when the event is made, not when it is written: the hash covers it.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Kept as text too, so the trail reads the same after a user is renamed.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, db_index=True)
    # A list's one event names every patient it showed: " 12 40 7 " (ids between spaces, in
    # the order shown), so a patient's trail finds it by " 40 ".
    patients_shown = models.TextField(blank=True, default="", db_default="")
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)
    # The event's place in the chain: empty until it joins (PostgreSQL: once committed).
    seq = models.BigIntegerField(null=True, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(
                fields=["id"], condition=Q(seq__isnull=True), name="audit_event_unchained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError(APPEND_ONLY)
        AuditEvent.objects.bulk_create([self])

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)

    def content(self) -> str:
        """What the hash covers: every field a person reads, in a fixed order."""
        return json.dumps(
            [
                self.at.isoformat(timespec="microseconds"),
                self.clinic_id,
                self.actor_id,
                self.actor_label,
                self.action,
                self.object_type,
                self.object_id,
                self.patient_id,
                self.summary,
                str(self.ip_address) if self.ip_address else None,
                # Only list events name patients this way; older events hash as they always did.
                *([self.patients_shown] if self.patients_shown else []),
            ],
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @property
    def shown_ids(self) -> list[int]:
        """The ids of the patients a list showed, in order."""
        return [int(pk) for pk in self.patients_shown.split()]

    def chain_hash(self, previous: str) -> str:
        """This event's hash when it follows the event whose hash is `previous`."""
        return hashlib.sha256((previous + self.content()).encode()).hexdigest()
