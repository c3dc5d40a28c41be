"""A protocol and its rules, as loaded from a protocol file."""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from mesoclinic.clinical.areas import Region
from mesoclinic.clinical.concepts import SEVERITY_RANKS, Care, Concept, Effect, Severity
from mesoclinic.clinical.courses import CourseTemplate
from mesoclinic.clinical.sources import Source
from mesoclinic.clinical.timing import AT_ONCE, Timing

ALWAYS = "always"


class Applies(StrEnum):
    """Who a preparation step is for."""

    ALWAYS = "always"
    IF_RECORDED = "if-recorded"


@dataclass(frozen=True)
class Contraindication:
    """A concept that speaks against treatment, and how strongly."""

    concept: Concept
    severity: Severity
    source: Source


@dataclass(frozen=True)
class PreparationRule:
    """An instruction for the days or hours before a session."""

    id: str
    instruction: str
    before: Timing
    source: Source
    concept: Concept | None = None
    applies: Applies = Applies.ALWAYS
    regions: frozenset[Region] = frozenset()
    prescription: bool = False
    # An ingredient or group (ingredients.toml) the patient must not be allergic to: numbing
    # cream is never offered to a patient allergic to local anaesthetics.
    unless_allergic_to: str = ""

    @property
    def concept_name(self) -> str:
        """The concept this step is about, or "always"."""
        return self.concept.value if self.concept else ALWAYS


@dataclass(frozen=True)
class AftercareRule:
    """An instruction for the hours, days or weeks after a session."""

    id: str
    concept: Care
    instruction: str
    lasts: Timing
    source: Source
    starts: Timing = AT_ONCE
    regions: frozenset[Region] = frozenset()
    prescription: bool = False


@dataclass(frozen=True)
class EffectRule:
    """A side effect's usual course, and from which day it is a red flag (0: always)."""

    effect: Effect
    usual_days: int
    red_flag_after_days: int
    source: Source


@dataclass(frozen=True)
class Protocol:
    """One clinic's rules for mesotherapy, versioned, each rule citing its source."""

    id: str
    name: str
    version: int
    seed: str | None
    follow_up_days: int
    contraindications: tuple[Contraindication, ...] = ()
    preparation: tuple[PreparationRule, ...] = ()
    aftercare: tuple[AftercareRule, ...] = ()
    courses: tuple[CourseTemplate, ...] = ()
    effects: tuple[EffectRule, ...] = ()

    @cached_property
    def concepts(self) -> frozenset[Concept]:
        """The concepts the protocol's contraindications name."""
        return frozenset(rule.concept for rule in self.contraindications)

    @cached_property
    def ranked(self) -> dict[Concept, tuple[tuple[int, "Contraindication"], ...]]:
        """Each concept's contraindications with their place worst first (file order within a
        severity), so a screening orders its few findings without walking every rule."""
        worst_first = sorted(self.contraindications, key=lambda rule: SEVERITY_RANKS[rule.severity])
        ranked: dict[Concept, list[tuple[int, Contraindication]]] = {}
        for place, rule in enumerate(worst_first):
            ranked.setdefault(rule.concept, []).append((place, rule))
        return {concept: tuple(rules) for concept, rules in ranked.items()}

    def sources(self) -> list[Source]:
        """Every source the protocol's rules cite, in file order."""
        found = [rule.source for rule in self.contraindications]
        found += [rule.source for rule in self.preparation]
        found += [rule.source for rule in self.aftercare]
        found += [rule.source for rule in self.effects]
        for course in self.courses:
            found.append(course.source)
            found.extend(phase.source for phase in course.phases)
            if course.minutes_source:
                found.append(course.minutes_source)
        return found

    def course(self, template_id: str | None = None) -> CourseTemplate:
        """The course template called `template_id`, or the protocol's first (its default)."""
        for course in self.courses:
            if template_id in (None, course.id):
                return course
        known = ", ".join(course.id for course in self.courses) or "none"
        wanted = f" {template_id!r}" if template_id else ""
        raise LookupError(
            f"protocol {self.id} has no course template{wanted}; its templates: {known}"
        )
