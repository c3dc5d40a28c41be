"""What each FHIR R4 status of a record means for screening, as R4 defines it.

Condition.clinicalStatus, AllergyIntolerance.clinicalStatus, MedicationStatement.status,
MedicationRequest.status and Observation.status, with Condition and AllergyIntolerance
verificationStatus. A status R4 does not define is read as current: screening never drops a
record because it cannot read its status.
"""

from enum import StrEnum

from mesoclinic.clinical.facts import HistoryRecord, RecordKind


class Standing(StrEnum):
    """Where a record stands on the day of the treatment."""

    CURRENT = "current"  # holds now
    DORMANT = "dormant"  # inactive or in remission: holds only for what lasts (lupus, hepatitis C)
    PAST = "past"  # over: counts only for what counts ever (a stroke)
    NEVER = "never"  # never true or never happened: refuted, entered in error, not taken


NEVER_VERIFIED = frozenset({"refuted", "entered-in-error"})

STATUSES: dict[RecordKind, dict[str, Standing]] = {
    RecordKind.CONDITION: {
        "active": Standing.CURRENT,
        "recurrence": Standing.CURRENT,
        "relapse": Standing.CURRENT,
        "inactive": Standing.DORMANT,
        "remission": Standing.DORMANT,
        "resolved": Standing.PAST,
    },
    RecordKind.ALLERGY: {
        "active": Standing.CURRENT,
        "inactive": Standing.PAST,
        "resolved": Standing.PAST,
    },
    RecordKind.MEDICATION: {
        "active": Standing.CURRENT,
        # On hold, it is expected to continue; intended or drafted, it may start any day.
        "on-hold": Standing.CURRENT,
        "intended": Standing.CURRENT,
        "draft": Standing.CURRENT,
        "unknown": Standing.CURRENT,
        "completed": Standing.PAST,
        "stopped": Standing.PAST,
        # Never taken: not-taken (MedicationStatement), cancelled before any dose (Request).
        "not-taken": Standing.NEVER,
        "cancelled": Standing.NEVER,
        "entered-in-error": Standing.NEVER,
    },
    RecordKind.OBSERVATION: {
        "preliminary": Standing.CURRENT,
        "final": Standing.CURRENT,
        "amended": Standing.CURRENT,
        "corrected": Standing.CURRENT,
        "unknown": Standing.CURRENT,
        # No result yet, or none ever: registered, cancelled.
        "registered": Standing.NEVER,
        "cancelled": Standing.NEVER,
        "entered-in-error": Standing.NEVER,
    },
}


def standing(record: HistoryRecord) -> Standing:
    """Where `record` stands by its statuses alone (its dates are read by history.py)."""
    if record.verification in NEVER_VERIFIED or record.status == "entered-in-error":
        return Standing.NEVER
    return STATUSES[record.kind].get(record.status, Standing.CURRENT)
