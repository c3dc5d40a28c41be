"""Preparation: personalised, dated instructions for the days and hours before a session."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mesoclinic.clinical.allergies import allergic_to
from mesoclinic.clinical.areas import Region, regions_of
from mesoclinic.clinical.concepts import PRESCRIBER_DECIDES, Concept
from mesoclinic.clinical.facts import PatientFacts, RecordKind
from mesoclinic.clinical.history import Sign, concepts_on, named, names, spoken_list
from mesoclinic.clinical.protocols import Applies, PreparationRule, Protocol
from mesoclinic.clinical.sources import PRESCRIBER_SOURCE, Source
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught
from mesoclinic.clinical.timing import (
    Timing,
    Unit,
    midnight,
    require_aware,
    spoken,
    spoken_day,
    window_start,
)

ASK_PRESCRIBER = "ask-prescriber"
# A week gives time to reach the prescriber before seed 004's five days without aspirin begin.
ASK_PRESCRIBER_BEFORE = Timing(Unit.DAYS, 7)
ASK_PRESCRIBER_INSTRUCTION = (
    "Do not stop taking {drug} on your own: from {from}, ask the doctor who prescribed {it} "
    "whether to pause {it} before your treatment on {day}."
)


@dataclass(frozen=True)
class PreparationStep:
    """One dated instruction before a session, from `from_` until the session starts."""

    instruction: str
    concept: str
    from_: datetime
    until: datetime
    source: Source
    rule: str = ""


def preparation_steps(
    facts: PatientFacts,
    protocol: Protocol,
    appointment_start: datetime,
    areas: Iterable[str] | None = None,
    prescribed: Collection[str] = (),
    taught: Taught = NOTHING_TAUGHT,
) -> list[PreparationStep]:
    """The patient's preparation for a session starting at `appointment_start`, earliest first.

    A medicine the prescriber decides about (an anticoagulant, an antiplatelet such as low-dose
    aspirin, a heart medicine) is never in a "stop" step: it gets an "ask the prescriber" step.
    """
    require_aware(appointment_start, "The appointment start")
    day = appointment_start.date()
    present = _own_steps_only(concepts_on(facts, day, taught))
    regions = regions_of(areas) if areas is not None else None
    steps = []
    for rule in protocol.preparation:
        if rule.unless_allergic_to and allergic_to(facts, rule.unless_allergic_to, day, taught):
            continue
        if _applies(rule, present, regions, prescribed):
            signs = present.get(rule.concept, ()) if rule.concept else ()
            steps.append(_step(rule, appointment_start, signs))
    steps += _ask_prescriber(present, appointment_start)
    # Compared as instants: two times in one zone compare by their clock, even across a change.
    return sorted(steps, key=lambda step: step.from_.timestamp())


def _own_steps_only(
    present: dict[Concept, tuple[Sign, ...]],
) -> dict[Concept, tuple[Sign, ...]]:
    """The concepts present, a prescriber's medicine left out of every other medicine's step."""
    managed = [s.record for c in PRESCRIBER_DECIDES for s in present.get(c, ())]
    kept = {
        concept: tuple(s for s in signs if all(s.record is not m for m in managed))
        for concept, signs in present.items()
        if concept not in PRESCRIBER_DECIDES
    }
    return {
        **{concept: signs for concept, signs in kept.items() if signs},
        **{concept: present[concept] for concept in PRESCRIBER_DECIDES if concept in present},
    }


def _ask_prescriber(
    present: dict[Concept, tuple[Sign, ...]], start: datetime
) -> list[PreparationStep]:
    steps = []
    for concept in PRESCRIBER_DECIDES:
        medicines = [s for s in present.get(concept, ()) if s.record.kind is RecordKind.MEDICATION]
        if medicines:
            begins = window_start(start, ASK_PRESCRIBER_BEFORE)
            drugs = names(medicines)
            instruction = ASK_PRESCRIBER_INSTRUCTION.format(
                **{
                    "drug": spoken_list(drugs),
                    "it": "them" if len(drugs) > 1 else "it",
                    "from": spoken_day(begins),
                    "day": spoken_day(start),
                }
            )
            steps.append(
                PreparationStep(
                    instruction, concept.value, begins, start, PRESCRIBER_SOURCE, ASK_PRESCRIBER
                )
            )
    return steps


def _applies(
    rule: PreparationRule,
    present: dict[Concept, tuple[Sign, ...]],
    regions: frozenset[Region] | None,
    prescribed: Collection[str],
) -> bool:
    # A prescription item only once a prescriber added its rule id to the plan (SPEC.md).
    if rule.prescription and rule.id not in prescribed:
        return False
    # A step for some areas only (arnica: not the face) waits until the areas are known.
    if rule.regions and not (regions and rule.regions & regions):
        return False
    # A medicine's step only for a patient who takes it; the step then names it.
    return rule.applies is Applies.ALWAYS or rule.concept in present


def _step(rule: PreparationRule, start: datetime, signs: Iterable[Sign]) -> PreparationStep:
    begins = window_start(start, rule.before)
    shown_from = spoken_day(begins) if begins == midnight(begins.date(), begins) else spoken(begins)
    instruction = rule.instruction.format(
        **{
            "from": shown_from,
            "until": spoken(start),
            "day": spoken_day(start),
            "drug": named(signs),
        }
    )
    return PreparationStep(instruction, rule.concept_name, begins, start, rule.source, rule.id)


def step_to_json(step: PreparationStep) -> dict[str, Any]:
    """A step as SPEC.md's JSON shows it, with ISO 8601 datetimes and their offset."""
    return {
        "instruction": step.instruction,
        "concept": step.concept,
        "from": step.from_.isoformat(),
        "until": step.until.isoformat(),
        "source": step.source.to_json(),
    }
