"""What a patient's history shows on a given day: the concepts present, and the records."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from mesoclinic.clinical.concepts import (
    IMPLIES,
    LONGEST_PREGNANCY_DAYS,
    TOGETHER,
    Concept,
    Marker,
    Meaning,
)
from mesoclinic.clinical.facts import LOINC, HistoryRecord, PatientFacts, RecordKind
from mesoclinic.clinical.recognition import Reading, read_record, read_text

# Statuses (FHIR clinical, medication and observation statuses) of a record that no longer holds.
OVER = frozenset(
    {
        "inactive",
        "remission",
        "resolved",
        "stopped",
        "completed",
        "cancelled",
        "not-taken",
        "declined",
        "entered-in-error",
    }
)
# A record refuted or entered in error never counts, not even for an "ever" concept.
VOID = frozenset({"refuted", "entered-in-error"})


@dataclass(frozen=True)
class Evidence:
    """A record a finding rests on, as shown to the practitioner."""

    resource: str
    code: str
    display: str

    def to_json(self) -> dict[str, str]:
        """The evidence as SPEC.md's JSON shows it."""
        return {"resource": self.resource, "code": self.code, "display": self.display}


@dataclass(frozen=True)
class Sign:
    """A record that shows a meaning, and the code or words that show it."""

    record: HistoryRecord
    reading: Reading

    def evidence(self) -> Evidence:
        """The record as evidence: the code that matched, or the words typed."""
        record, coding = self.record, self.reading.coding
        display = (coding.display if coding else "") or record.text or _first_display(record)
        if record.value is not None:
            display = f"{display}: {record.value:g} {record.unit}".strip()
        return Evidence(record.resource, coding.code if coding else "", display)


def _first_display(record: HistoryRecord) -> str:
    return next((coding.display for coding in record.codes if coding.display), "")


def exists_on(record: HistoryRecord, on: date) -> bool:
    """Whether the record had begun by `on` and was not refuted or entered in error."""
    void = record.verification in VOID or record.status in VOID
    return not void and (record.onset is None or record.onset <= on)


def holds_on(record: HistoryRecord, on: date) -> bool:
    """Whether the record is still current on `on`: not resolved, stopped or ended before."""
    return record.status not in OVER and (record.ended is None or record.ended > on)


def concepts_on(facts: PatientFacts, on: date) -> dict[Concept, tuple[Sign, ...]]:
    """Each concept the history shows on `on`, with the signs showing it, in record order."""
    signs = signs_on(facts.records, on)
    for concept, parts in TOGETHER.items():
        if all(signs.get(part) for part in parts):
            signs[concept] = _merged(signs.get(concept, []), *(signs[part] for part in parts))
    for narrower, broader in IMPLIES.items():
        fitting = [s for s in signs.get(narrower, []) if s.record.kind in broader.kinds]
        if fitting:
            signs[broader] = _merged(signs.get(broader, []), fitting)
    return {m: tuple(found) for m, found in signs.items() if isinstance(m, Concept)}


def signs_on(records: Sequence[HistoryRecord], on: date) -> dict[Meaning, list[Sign]]:
    """Each concept or marker the records show on `on`, one sign per record."""
    signs: dict[Meaning, list[Sign]] = defaultdict(list)
    superseded = _superseded(records, on)
    for index, record in enumerate(records):
        if index in superseded or not exists_on(record, on):
            continue
        current = holds_on(record, on)
        shown: set[Meaning] = set()
        for reading in read_record(record):
            meaning = reading.meaning
            if meaning in shown or not _shows(record, reading, current, on):
                continue
            shown.add(meaning)
            signs[meaning].append(Sign(record, reading))
    return signs


def _shows(record: HistoryRecord, reading: Reading, current: bool, on: date) -> bool:
    meaning = reading.meaning
    if meaning is Marker.NO_CONCERN or record.kind not in meaning.kinds:
        return False
    if isinstance(meaning, Concept) and meaning.ever:
        return True
    if not current or reading.past:
        return False
    return not (meaning is Concept.PREGNANCY and _too_old_for_pregnancy(record, on))


def _too_old_for_pregnancy(record: HistoryRecord, on: date) -> bool:
    # A pregnancy record left open long after its onset is stale: no pregnancy lasts that long.
    return record.onset is not None and (on - record.onset).days > LONGEST_PREGNANCY_DAYS


def _superseded(records: Sequence[HistoryRecord], on: date) -> set[int]:
    """Observations replaced by a later answer to the same question (the latest BMI counts)."""
    # Answers given on the same day all stand, so the order of records never matters.
    latest: dict[str, date] = {}
    for record in records:
        question = _question(record)
        if question is not None and exists_on(record, on):
            latest[question] = max(latest.get(question, date.min), _when(record))
    return {
        index
        for index, record in enumerate(records)
        if (question := _question(record)) is not None
        and _when(record) < latest.get(question, date.min)
    }


def _question(record: HistoryRecord) -> str | None:
    if record.kind is not RecordKind.OBSERVATION:
        return None
    # LOINC answers ("LA…") are answers, not questions.
    codes = [c.code for c in record.codes if c.system == LOINC and not c.code.startswith("LA")]
    return codes[0] if codes else None


def _when(record: HistoryRecord) -> date:
    return record.onset or date.min


def _merged(*groups: Iterable[Sign]) -> list[Sign]:
    """The signs of all groups, each record once, in order."""
    merged: list[Sign] = []
    for sign in (sign for group in groups for sign in group):
        if all(sign.record is not kept.record for kept in merged):
            merged.append(sign)
    return merged


def named(signs: Iterable[Sign]) -> str:
    """What the records are called, in words a patient knows: "ibuprofen and vitamin E"."""
    names: list[str] = []
    for sign in signs:
        name = _name(sign)
        if name and name not in names:
            names.append(name)
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _name(sign: Sign) -> str:
    if sign.reading.phrase:
        return _cased(sign.reading.phrase)
    for text in (sign.record.text, *(c.display for c in sign.record.codes)):
        for reading in read_text(text):
            if reading.meaning == sign.reading.meaning and reading.phrase:
                return _cased(reading.phrase)
    coding = sign.reading.coding
    return (coding.display if coding else "") or sign.record.text


def _cased(phrase: str) -> str:
    """A phrase as written in prose: single letters are capitals ("vitamin E")."""
    return " ".join(word.upper() if len(word) == 1 else word for word in phrase.split())
