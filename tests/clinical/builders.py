"""Plain builders for history records: what you pass is what you get, nothing else is invented."""

from datetime import date
from itertools import count

from mesoclinic.clinical.facts import (
    LOINC,
    RXNORM,
    SNOMED,
    Coding,
    HistoryRecord,
    PatientFacts,
    RecordKind,
)

ADULT = date(1980, 5, 17)
_ids = count(1)


def _next(resource_type: str) -> str:
    return f"{resource_type}/{next(_ids)}"


def condition(code: str, display: str, **fields: object) -> HistoryRecord:
    """A SNOMED-coded condition."""
    return HistoryRecord(
        _next("Condition"), RecordKind.CONDITION, (Coding(SNOMED, code, display),), **fields
    )


def medication(code: str, display: str, **fields: object) -> HistoryRecord:
    """An RxNorm-coded medication."""
    return HistoryRecord(
        _next("MedicationStatement"),
        RecordKind.MEDICATION,
        (Coding(RXNORM, code, display),),
        **fields,
    )


def allergy(system: str, code: str, display: str, **fields: object) -> HistoryRecord:
    """A coded allergy."""
    return HistoryRecord(
        _next("AllergyIntolerance"), RecordKind.ALLERGY, (Coding(system, code, display),), **fields
    )


def typed(kind: RecordKind, text: str, **fields: object) -> HistoryRecord:
    """A record typed by hand: words only, no code."""
    resource = {
        RecordKind.CONDITION: "Condition",
        RecordKind.MEDICATION: "MedicationStatement",
        RecordKind.ALLERGY: "AllergyIntolerance",
        RecordKind.OBSERVATION: "Observation",
    }[kind]
    return HistoryRecord(_next(resource), kind, text=text, **fields)


def bmi(value: float, on: date) -> HistoryRecord:
    """A body mass index observation."""
    return HistoryRecord(
        _next("Observation"),
        RecordKind.OBSERVATION,
        (Coding(LOINC, "39156-5", "Body mass index (BMI) [Ratio]"),),
        status="final",
        onset=on,
        value=value,
        unit="kg/m2",
    )


def patient(*records: HistoryRecord, born: date = ADULT, deceased: bool = False) -> PatientFacts:
    """A patient with these records, an adult unless told otherwise."""
    return PatientFacts(birth_date=born, deceased=deceased, records=records)
