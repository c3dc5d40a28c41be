"""What screening knows about a patient: plain records taken from the chart or from FHIR."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"


class RecordKind(StrEnum):
    """Which part of the history a record comes from."""

    CONDITION = "condition"
    MEDICATION = "medication"
    ALLERGY = "allergy"
    OBSERVATION = "observation"


@dataclass(frozen=True)
class Coding:
    """One code in a terminology; system is the FHIR URI of that terminology."""

    system: str
    code: str
    display: str = ""


@dataclass(frozen=True)
class HistoryRecord:
    """One condition, medication, allergy or observation of the patient's history."""

    resource: str
    kind: RecordKind
    codes: tuple[Coding, ...] = ()
    text: str = ""
    status: str = "active"
    verification: str = ""
    onset: date | None = None
    ended: date | None = None
    value: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class PatientFacts:
    """Everything screening may use about one patient."""

    birth_date: date | None
    deceased: bool = False
    records: tuple[HistoryRecord, ...] = ()
