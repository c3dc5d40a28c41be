"""What screening knows about a patient: plain records taken from the chart or from FHIR."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
UNII = "http://fdasis.nlm.nih.gov"


class RecordKind(StrEnum):
    """Which part of the history a record comes from."""

    CONDITION = "condition"
    MEDICATION = "medication"
    ALLERGY = "allergy"
    OBSERVATION = "observation"


class Coding(NamedTuple):
    """One code in a terminology; system is the FHIR URI of that terminology.

    A named tuple, not a dataclass: screening looks records up by their codes, and a tuple's
    hash and equality run in C, where a dataclass's run Python for every coding.
    """

    system: str
    code: str
    display: str = ""


@dataclass(frozen=True)
class Reaction:
    """One manifestation of an allergic reaction (AllergyIntolerance.reaction), and its severity."""

    codes: tuple[Coding, ...] = ()
    text: str = ""
    severity: str = ""

    @property
    def name(self) -> str:
        """What the reaction is called: its text, or its first code's display or code."""
        first = self.codes[0] if self.codes else None
        return self.text or (first.display or first.code if first else "")


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
    reactions: tuple[Reaction, ...] = ()

    @property
    def name(self) -> str:
        """What the record is called: its text, else its first display, else its first code."""
        display = next((c.display for c in self.codes if c.display), "")
        return self.text or display or (self.codes[0].code if self.codes else "")


@dataclass(frozen=True)
class PatientFacts:
    """Everything screening may use about one patient."""

    birth_date: date | None
    deceased: bool = False
    records: tuple[HistoryRecord, ...] = ()
