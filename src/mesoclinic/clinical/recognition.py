"""What one history record means, by its codes and by its words, before status and dates count."""

from dataclasses import dataclass, replace
from functools import lru_cache

from mesoclinic.clinical.concepts import Marker, Meaning, meaning_of
from mesoclinic.clinical.facts import LOINC, Coding, HistoryRecord
from mesoclinic.clinical.valuesets import value_sets


@dataclass(frozen=True)
class Reading:
    """One meaning a record carries, and the code or the words that carry it."""

    meaning: Meaning
    coding: Coding | None = None
    phrase: str = ""
    past: bool = False


def read_record(record: HistoryRecord) -> tuple[Reading, ...]:
    """Everything `record` means; empty when no value set recognises it."""
    return read_content(record.codes, record.text, record.value)


# Charts repeat the same codes and words endlessly, so what they mean is worked out once.
@lru_cache(maxsize=65536)
def read_content(codes: tuple[Coding, ...], text: str, value: float | None) -> tuple[Reading, ...]:
    """What a record with these codes, words and value means."""
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


def _coded(codes: tuple[Coding, ...], value: float | None) -> list[Reading]:
    sets = value_sets()
    readings = []
    for coding in codes:
        measurement = sets.measurements.get(coding.code) if coding.system == LOINC else None
        if measurement is not None:
            high = value is not None and value >= measurement.at_least
            readings.append(Reading(measurement.concept if high else Marker.NO_CONCERN, coding))
            continue
        readings.extend(Reading(meaning, coding) for meaning in sets.meanings(coding))
    return readings


def _texts(codes: tuple[Coding, ...], text: str) -> list[str]:
    """The record's own text and its codes' display texts, each once."""
    texts = [text, *(coding.display for coding in codes)]
    return [t for index, t in enumerate(texts) if t.strip() and t not in texts[:index]]


@lru_cache(maxsize=16384)
def read_text(text: str) -> tuple[Reading, ...]:
    """What a text means by its words; a denied phrase is recognised but means no concern."""
    return tuple(
        Reading(
            Marker.NO_CONCERN if found.denied else meaning_of(found.meaning),
            phrase=found.phrase,
            past=found.past and not found.denied,
        )
        for found in value_sets().phrases.find(text)
    )


@lru_cache(maxsize=16384)
def _locally_used(text: str) -> bool:
    return bool(value_sets().local_use.find(text))
