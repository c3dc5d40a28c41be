"""A protocol and its rules, as loaded from a protocol file."""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from mesoclinic.clinical.areas import Region
from mesoclinic.clinical.concepts import NARROWER, SEVERITY_RANKS, Care, Concept, Effect, Severity
from mesoclinic.clinical.courses import CourseTemplate
from mesoclinic.clinical.sources import Source
from mesoclinic.clinical.timing import AT_ONCE, Timing

ALWAYS = "always"
# How many sets of concepts present a protocol remembers the rules of: a bound, never reached.
SETS_REMEMBERED = 4096


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

    def rules_shown(self, present: frozenset[Concept]) -> tuple[Contraindication, ...]:
        """The rules of the concepts `present`, worst first (file order within a severity).

        Patients share a few sets of concepts, so each set's rules are worked out once.
        """
        shown = self._shown.get(present)
        if shown is None:
            if len(self._shown) >= SETS_REMEMBERED:
                self._shown.clear()
            shown = self._shown[present] = self._placed(present)
        return shown

    @cached_property
    def _shown(self) -> dict[frozenset[Concept], tuple[Contraindication, ...]]:
        return {}

    @cached_property
    def _worst_first(self) -> tuple[Contraindication, ...]:
        return tuple(sorted(self.contraindications, key=lambda rule: SEVERITY_RANKS[rule.severity]))

    def _placed(self, present: frozenset[Concept]) -> tuple[Contraindication, ...]:
        placed = [rule for rule in self._worst_first if rule.concept in present]
        found = {rule.concept for rule in placed}
        # "Diabetes" gives way to "insulin-dependent diabetes" when the protocol names both.
        return tuple(rule for rule in placed if NARROWER.get(rule.concept) not in found)

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
