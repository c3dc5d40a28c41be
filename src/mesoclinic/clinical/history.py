"""What a patient's history shows on a given day: the concepts present, and the records."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mesoclinic.clinical.concepts import (
    IMPLIES,
    LASTING,
    LONGEST_BREASTFEEDING_DAYS,
    LONGEST_PREGNANCY_DAYS,
    TOGETHER,
    Concept,
    Marker,
    Meaning,
)
from mesoclinic.clinical.facts import (
    LOINC,
    Coding,
    HistoryRecord,
    PatientFacts,
    Reaction,
    RecordKind,
)
from mesoclinic.clinical.recognition import Reading, read_record, read_text
from mesoclinic.clinical.statuses import Standing, standing
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught

# How many days a record of these concepts stays current after its date.
STALE_AFTER = {
    Concept.PREGNANCY: LONGEST_PREGNANCY_DAYS,
    Concept.BREASTFEEDING: LONGEST_BREASTFEEDING_DAYS,
}
# What a sign's evidence concerns: the record's own meaning, never a marker of it.
_NO_SIGN = frozenset({Marker.NO_CONCERN, Marker.INGREDIENT, Marker.NOT_RELEVANT})


@dataclass(frozen=True)
class Evidence:
    """A record a finding rests on, as shown to the practitioner: all its codes, and what matched.

    `code` is the code that matched, or the record's first code when its words did (`phrase`);
    `mapping` says which of the clinic's mappings gave the meaning, when one did.
    """

    resource: str
    code: str
    display: str
    codes: tuple[Coding, ...] = ()
    phrase: str = ""
    mapping: str = ""

    def to_json(self) -> dict[str, Any]:
        """The evidence as SPEC.md's JSON shows it, with every code of the record."""
        return {
            "resource": self.resource,
            "code": self.code,
            "display": self.display,
            "codes": [
                {"system": c.system, "code": c.code, "display": c.display} for c in self.codes
            ],
            "phrase": self.phrase,
            "mapping": self.mapping,
        }


@dataclass(frozen=True)
class Sign:
    """A record that shows a meaning, and the code or words that show it."""

    record: HistoryRecord
    reading: Reading

    def evidence(self) -> Evidence:
        """The record as evidence: every code of it, the code or words that matched."""
        record, reading = self.record, self.reading
        coding = reading.coding if reading.reaction is None else None
        shown = coding or (record.codes[0] if record.codes else None)
        display = (coding.display if coding else "") or record.name
        if reading.reaction is not None:
            display = _reaction_display(record, reading.reaction)
        if record.value is not None:
            display = f"{display}: {record.value:g} {record.unit}".strip()
        return Evidence(
            resource=record.resource,
            code=shown.code if shown else "",
            display=display,
            codes=record.codes,
            phrase=reading.phrase,
            mapping=reading.lesson.note if reading.lesson else "",
        )


def _reaction_display(record: HistoryRecord, reaction: Reaction) -> str:
    severity = f" ({reaction.severity})" if reaction.severity else ""
    return f"{record.name}; reaction: {reaction.name or 'severe'}{severity}"


def exists_on(record: HistoryRecord, on: date) -> bool:
    """Whether the record had begun by `on` and was ever true (not refuted, not in error)."""
    return standing(record) is not Standing.NEVER and (record.onset is None or record.onset <= on)


def holds_on(record: HistoryRecord, on: date, lasting: bool = False) -> bool:
    """Whether the record is current on `on`; a lasting one also while inactive or in remission."""
    held = standing(record)
    current = held is Standing.CURRENT or (lasting and held is Standing.DORMANT)
    return current and (record.ended is None or record.ended > on)


def concepts_on(
    facts: PatientFacts, on: date, taught: Taught = NOTHING_TAUGHT
) -> dict[Concept, tuple[Sign, ...]]:
    """Each concept the history shows on `on`, with the signs showing it, in record order."""
    signs = signs_on(facts.records, on, taught)
    for concept, parts in TOGETHER.items():
        if all(signs.get(part) for part in parts):
            # Insulin-dependent diabetes shows the diabetes records beside the insulin.
            broader = IMPLIES.get(concept)
            companions = signs.get(broader, []) if broader else []
            signs[concept] = _merged(signs.get(concept, []), companions, *(signs[p] for p in parts))
    for narrower, broader in IMPLIES.items():
        if signs.get(narrower):
            signs[broader] = _merged(signs.get(broader, []), signs[narrower])
    return {m: tuple(found) for m, found in signs.items() if isinstance(m, Concept)}


def signs_on(
    records: Sequence[HistoryRecord], on: date, taught: Taught = NOTHING_TAUGHT
) -> dict[Meaning, list[Sign]]:
    """Each concept or marker the records show on `on`, one sign per record."""
    signs: dict[Meaning, list[Sign]] = defaultdict(list)
    superseded = _superseded(records, on)
    for index, record in enumerate(records):
        if index in superseded or not exists_on(record, on):
            continue
        readings = read_record(record, taught)
        chronic = Concept.ACTIVE_INFECTION in (r.meaning for r in readings) and any(
            r.meaning is Marker.CHRONIC_INFECTION and not r.past for r in readings
        )
        shown: set[Meaning] = set()
        for reading in readings:
            meaning = reading.meaning
            if meaning in shown or not _shows(record, reading, on, chronic):
                continue
            shown.add(meaning)
            signs[meaning].append(Sign(record, reading))
    return signs


def _shows(record: HistoryRecord, reading: Reading, on: date, chronic: bool) -> bool:
    meaning = reading.meaning
    if meaning in _NO_SIGN or record.kind not in meaning.kinds:
        return False
    if isinstance(meaning, Concept) and meaning.ever:
        return True
    lasting = meaning in LASTING or (meaning is Concept.ACTIVE_INFECTION and chronic)
    if reading.past or not holds_on(record, on, lasting):
        return False
    return not _stale(record, meaning, on)


def _stale(record: HistoryRecord, meaning: Meaning, on: date) -> bool:
    """A pregnancy or breastfeeding record long after its date no longer says what is current."""
    limit = STALE_AFTER.get(meaning) if isinstance(meaning, Concept) else None
    return limit is not None and record.onset is not None and (on - record.onset).days > limit


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


def names(signs: Iterable[Sign]) -> list[str]:
    """What each record is called, in words a patient knows, each name once."""
    found: list[str] = []
    for sign in signs:
        name = _name(sign)
        if name and name not in found:
            found.append(name)
    return found


def named(signs: Iterable[Sign]) -> str:
    """What the records are called, in words a patient knows: "ibuprofen and vitamin E"."""
    return spoken_list(names(signs))


def spoken_list(items: list[str]) -> str:
    """Names joined as prose: "a", "a and b", "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


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
