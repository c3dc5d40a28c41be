"""Walking the audit trail's hash chain, to find the first event changed or deleted behind it."""

from dataclasses import dataclass

from mesoclinic.audit.models import AuditEvent, chain_committed

CHANGED = "event {id} was changed: its content no longer matches its hash"
MISSING = (
    "event {id} does not follow event {previous}: an event between them was deleted or changed"
)
FIRST_MISSING = "event {id} is the oldest left but follows another: earlier events were deleted"


@dataclass(frozen=True)
class Verdict:
    """What a walk of the chain found: how many events held, and the first broken link if any."""

    events: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def as_json(self) -> dict[str, object]:
        return {
            "intact": self.intact,
            "events": self.events,
            "head": self.head,
            "broken_at": self.broken_at,
            "problem": self.problem,
        }


def verify_chain(chunk_size: int = 2000) -> Verdict:
    """Check every event in the chain's order: each links to the one before and matches its hash.

    The events committed but not yet chained join it first.
    """
    chain_committed()
    previous_hash, previous_id, count = "", None, 0
    chained = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in chained.iterator(chunk_size=chunk_size):
        if event.prev_hash != previous_hash:
            text = MISSING if previous_id else FIRST_MISSING
            problem = text.format(id=event.pk, previous=previous_id)
            return Verdict(count, previous_hash, event.pk, problem)
        if event.chain_hash(previous_hash) != event.hash:
            return Verdict(count, previous_hash, event.pk, CHANGED.format(id=event.pk))
        previous_hash, previous_id, count = event.hash, event.pk, count + 1
    return Verdict(count, previous_hash)
