"""What one history record means, by any of its codes, then by its words, before statuses count.

Every record is one of three: mapped (a value set or the clinic knows what it means), not
relevant (known not to matter, with the reason), or not recognised.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from mesoclinic.clinical.concepts import Concept, Marker, Meaning, meaning_of
from mesoclinic.clinical.facts import LOINC, Coding, HistoryRecord, Reaction, RecordKind
from mesoclinic.clinical.freetext import Cue, Found, PhraseBook
from mesoclinic.clinical.teaching import INGREDIENT, NOTHING_TAUGHT, Lesson, Taught
from mesoclinic.clinical.valuesets import NOT_RELEVANT, value_sets

# FHIR's AllergyIntolerance.reaction.severity for a reaction that counts as anaphylaxis history.
SEVERE = "severe"


@dataclass(frozen=True)
class Reading:
    """One meaning a record carries, and the code or the words that carry it.

    `detail` is the ingredient id of an allergen, or the group of a record known not to matter;
    `reaction` the allergic reaction that carries it; `lesson` the clinic's mapping that does.
    """

    meaning: Meaning
    coding: Coding | None = None
    phrase: str = ""
    past: bool = False
    uncertain: bool = False
    detail: str = ""
    reaction: Reaction | None = None
    lesson: Lesson | None = None


class Understanding(StrEnum):
    """How far screening understood a record."""

    MAPPED = "mapped"
    NOT_RELEVANT = "not-relevant"
    UNRECOGNISED = "unrecognised"


class Understood(NamedTuple):
    """A record, how far screening understood it, and why it does not matter when it does not."""

    record: HistoryRecord
    how: Understanding
    reason: str = ""


def read_record(record: HistoryRecord, taught: Taught = NOTHING_TAUGHT) -> tuple[Reading, ...]:
    """Everything `record` means: the clinic's mappings, its codes, its words, its reactions."""
    return _read(record.codes, record.text, record.value, record.reactions, taught)


# Charts repeat the same records endlessly, so what they mean is worked out once.
@lru_cache(maxsize=65536)
def _read(
    codes: tuple[Coding, ...],
    text: str,
    value: float | None,
    reactions: tuple[Reaction, ...],
    taught: Taught,
) -> tuple[Reading, ...]:
    return (
        *_taught(codes, text, taught),
        *read_content(codes, text, value),
        *_reactions(reactions),
    )


def understand(record: HistoryRecord, taught: Taught = NOTHING_TAUGHT) -> Understood:
    """Whether `record` is mapped, known not to matter (and why), or not recognised."""
    how, reason = _understanding(
        record.kind, record.codes, record.text, record.value, record.reactions, taught
    )
    return Understood(record, how, reason)


@lru_cache(maxsize=65536)
def _understanding(
    kind: RecordKind,
    codes: tuple[Coding, ...],
    text: str,
    value: float | None,
    reactions: tuple[Reaction, ...],
    taught: Taught,
) -> tuple[Understanding, str]:
    readings = _read(codes, text, value, reactions, taught)
    if any(r.meaning is not Marker.NOT_RELEVANT for r in readings):
        return Understanding.MAPPED, ""
    reasons = [_reason(r) for r in readings if _fits(kind, r)]
    if reasons:
        return Understanding.NOT_RELEVANT, reasons[0]
    return Understanding.UNRECOGNISED, ""


def _fits(kind: RecordKind, reading: Reading) -> bool:
    if reading.lesson is not None:
        return True
    return kind in value_sets().not_relevant[reading.detail].kinds


def _reason(reading: Reading) -> str:
    if reading.lesson is not None:
        return reading.lesson.note or "Marked not relevant by the clinic."
    return value_sets().not_relevant[reading.detail].reason


def _taught(codes: tuple[Coding, ...], text: str, taught: Taught) -> list[Reading]:
    """The readings the clinic's own mappings give a record, by code, then by phrase."""
    if not taught.lessons:
        return []
    readings = [
        _lesson_reading(lesson, coding=coding)
        for coding in codes
        if (lesson := taught.lesson_for(coding)) is not None
    ]
    if taught.phrases:
        book = _taught_book(taught)
        for words in _texts(codes, text):
            for found in book.find(words):
                lesson = next(x for x in taught.phrases if x.phrase == found.meaning)
                readings.append(_lesson_reading(lesson, found=found))
    return readings


def _lesson_reading(
    lesson: Lesson, coding: Coding | None = None, found: Found | None = None
) -> Reading:
    if found is not None and found.denied:
        return Reading(Marker.NO_CONCERN, phrase=found.phrase, lesson=lesson)
    meaning, detail = _target(lesson.target)
    return Reading(
        meaning,
        coding=coding,
        phrase=found.phrase if found else "",
        past=bool(found and found.past),
        uncertain=bool(found and found.uncertain),
        detail=detail,
        lesson=lesson,
    )


def _target(target: str) -> tuple[Meaning, str]:
    if target.startswith(INGREDIENT):
        return Marker.INGREDIENT, target.removeprefix(INGREDIENT)
    return meaning_of(target), ""


@lru_cache(maxsize=64)
def _taught_book(taught: Taught) -> PhraseBook:
    """The clinic's phrases, read with the shipped cues (a denied phrase means no concern)."""
    return PhraseBook(
        {lesson.phrase: [lesson.phrase] for lesson in taught.phrases},
        value_sets().phrases.cue_words,
    )


@lru_cache(maxsize=65536)
def read_content(codes: tuple[Coding, ...], text: str, value: float | None) -> tuple[Reading, ...]:
    """What a record with these codes, words and value means."""
    question = _status_question(codes)
    if question is not None:
        return tuple(_answer(question, codes, text))
    texts = _texts(codes, text)
    readings = [*_coded(codes, value), *(r for t in texts for r in read_text(t))]
    if any(_locally_used(t) for t in texts):
        # A cream or an inhaler acts where it is put, not on the whole body: known, no concern.
        overridden = value_sets().local_use_overrides
        readings = [
            replace(r, meaning=Marker.NO_CONCERN) if r.meaning in overridden else r
            for r in readings
        ]
    return tuple(readings)


def _coded(codes: Iterable[Coding], value: float | None) -> list[Reading]:
    sets = value_sets()
    readings = []
    for coding in codes:
        measurement = sets.measurements.get(coding.code) if coding.system == LOINC else None
        if measurement is not None:
            high = value is not None and value >= measurement.at_least
            readings.append(Reading(measurement.concept if high else Marker.NO_CONCERN, coding))
            continue
        readings.extend(Reading(meaning, coding) for meaning in sets.meanings(coding))
        ingredient = sets.ingredients.coded(coding)
        if ingredient is not None:
            readings.append(Reading(Marker.INGREDIENT, coding, detail=ingredient))
        group = sets.not_relevant_codes.get((coding.system, coding.code.strip()))
        if group is not None:
            readings.append(Reading(Marker.NOT_RELEVANT, coding, detail=group))
    return readings


def measurement_thresholds(codes: tuple[Coding, ...]) -> tuple[float, ...]:
    """The thresholds of the measurements among `codes`: what such a record means hangs on them."""
    measurements = value_sets().measurements
    return tuple(
        measurement.at_least
        for coding in codes
        if coding.system == LOINC and (measurement := measurements.get(coding.code)) is not None
    )


def _status_question(codes: tuple[Coding, ...]) -> Concept | None:
    questions = value_sets().status_questions
    return next(
        (questions[c.code] for c in codes if c.system == LOINC and c.code in questions), None
    )


def _answer(question: Concept, codes: tuple[Coding, ...], text: str) -> list[Reading]:
    """A status question's answer: a known answer decides; any other is no denial."""
    asked = next(c for c in codes if c.system == LOINC and c.code in value_sets().status_questions)
    readings = []
    for coding in (c for c in codes if c is not asked):
        known = [Reading(m, coding) for m in value_sets().meanings(coding)]
        readings += known or [Reading(question, coding, uncertain=True)]
    if text.strip():
        readings.append(_said(question, text))
    return readings or [Reading(Marker.NO_CONCERN, asked)]


def _said(question: Concept, text: str) -> Reading:
    """An answer in words: yes, no, or anything else, which leaves the question open."""
    answer = value_sets().phrases.answer(text)
    if answer is Cue.ANSWER_NO:
        return Reading(Marker.NO_CONCERN, phrase=text)
    return Reading(question, phrase=text, uncertain=answer is not Cue.ANSWER_YES)


def _texts(codes: tuple[Coding, ...], text: str) -> list[str]:
    """The record's own text and its codes' display texts, each once."""
    texts = [text, *(coding.display for coding in codes)]
    return [t for index, t in enumerate(texts) if t.strip() and t not in texts[:index]]


def _reactions(reactions: tuple[Reaction, ...]) -> list[Reading]:
    """Anaphylaxis in a reaction, by its code or words, or any severe reaction (issue 9)."""
    readings = []
    for reaction in reactions:
        shown = [
            *_coded(reaction.codes, None),
            *(r for t in _texts(reaction.codes, reaction.text) for r in read_text(t)),
        ]
        anaphylaxis = [r for r in shown if r.meaning is Concept.ANAPHYLAXIS_HISTORY]
        if not anaphylaxis and reaction.severity == SEVERE:
            anaphylaxis = [Reading(Concept.ANAPHYLAXIS_HISTORY, phrase=SEVERE)]
        readings += [replace(r, reaction=reaction, past=False) for r in anaphylaxis[:1]]
    return readings


@lru_cache(maxsize=16384)
def read_text(text: str) -> tuple[Reading, ...]:
    """What a text means by its words; a denied phrase is recognised but means no concern."""
    return tuple(_reading(found) for found in value_sets().phrases.find(text))


def _reading(found: Found) -> Reading:
    if found.denied:
        return Reading(Marker.NO_CONCERN, phrase=found.phrase)
    meaning: Meaning
    if found.meaning.startswith(INGREDIENT):
        meaning, detail = Marker.INGREDIENT, found.meaning.removeprefix(INGREDIENT)
    elif found.meaning.startswith(NOT_RELEVANT):
        meaning, detail = Marker.NOT_RELEVANT, found.meaning.removeprefix(NOT_RELEVANT)
    else:
        meaning, detail = meaning_of(found.meaning), ""
    return Reading(
        meaning, phrase=found.phrase, past=found.past, uncertain=found.uncertain, detail=detail
    )


@lru_cache(maxsize=16384)
def _locally_used(text: str) -> bool:
    return bool(value_sets().local_use.find(text))
