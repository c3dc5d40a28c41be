"""Preparation: personalised, dated instructions for the days and hours before a session."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mesoclinic.clinical.areas import Region, regions_of
from mesoclinic.clinical.concepts import Concept
from mesoclinic.clinical.facts import PatientFacts
from mesoclinic.clinical.history import Sign, concepts_on, named
from mesoclinic.clinical.protocols import Applies, PreparationRule, Protocol
from mesoclinic.clinical.sources import Source
from mesoclinic.clinical.timing import (
    midnight,
    require_aware,
    spoken,
    spoken_day,
    window_start,
)


@dataclass(frozen=True)
class PreparationStep:
    """One dated instruction before a session, from `from_` until the session starts."""

    instruction: str
    concept: str
    from_: datetime
    until: datetime
    source: Source


def preparation_steps(
    facts: PatientFacts,
    protocol: Protocol,
    appointment_start: datetime,
    areas: Iterable[str] | None = None,
    prescribed: Collection[str] = (),
) -> list[PreparationStep]:
    """The patient's preparation for a session starting at `appointment_start`, earliest first."""
    require_aware(appointment_start, "The appointment start")
    present = concepts_on(facts, appointment_start.date())
    regions = regions_of(areas) if areas is not None else None
    steps = []
    for rule in protocol.preparation:
        if _applies(rule, present, regions, prescribed):
            signs = present.get(rule.concept, ()) if rule.concept else ()
            steps.append(_step(rule, appointment_start, signs))
    # Compared as instants: two times in one zone compare by their clock, even across a change.
    return sorted(steps, key=lambda step: step.from_.timestamp())


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
    return PreparationStep(instruction, rule.concept_name, begins, start, rule.source)


def step_to_json(step: PreparationStep) -> dict[str, Any]:
    """A step as SPEC.md's JSON shows it, with ISO 8601 datetimes and their offset."""
    return {
        "instruction": step.instruction,
        "concept": step.concept,
        "from": step.from_.isoformat(),
        "until": step.until.isoformat(),
        "source": step.source.to_json(),
    }
