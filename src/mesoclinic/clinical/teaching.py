"""What a clinic taught screening: codes and phrases mapped to a concept, or known not to matter."""

from dataclasses import dataclass
from functools import cached_property
from typing import cast

from mesoclinic.clinical.concepts import Marker, meaning_of
from mesoclinic.clinical.facts import Coding
from mesoclinic.clinical.valuesets import value_sets

NOT_RELEVANT = Marker.NOT_RELEVANT.value
INGREDIENT = "ingredient:"


@dataclass(frozen=True)
class Lesson:
    """One mapping a clinic made: a code (system and code) or a phrase, to what it means.

    `target` is a concept or marker name ("anticoagulant-therapy"), "ingredient:<id>" for an
    allergen, or "not-relevant"; `note` says who taught it and when, for the evidence.
    """

    target: str
    system: str = ""
    code: str = ""
    phrase: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if bool(self.code) == bool(self.phrase):
            raise ValueError("a mapping names either a code (with its system) or a phrase")
        check_target(self.target)


def check_target(target: str) -> None:
    """Refuse a target no concept, marker or ingredient is called, saying which exist."""
    if target.startswith(INGREDIENT):
        if target.removeprefix(INGREDIENT) not in value_sets().ingredients:
            raise ValueError(f"unknown ingredient {target.removeprefix(INGREDIENT)!r}")
        return
    meaning_of(target)


@dataclass(frozen=True)
class Taught:
    """Every mapping one clinic has made, as screening applies it."""

    lessons: tuple[Lesson, ...] = ()

    @cached_property
    def codes(self) -> dict[tuple[str, str], Lesson]:
        """The code mappings, by (system, code)."""
        return {(lesson.system, lesson.code): lesson for lesson in self.lessons if lesson.code}

    @cached_property
    def phrases(self) -> tuple[Lesson, ...]:
        """The phrase mappings."""
        return tuple(lesson for lesson in self.lessons if lesson.phrase)

    def __hash__(self) -> int:
        # Screening finds its profiles by the clinic's mappings for every patient it screens:
        # hash them once, not every mapping again each time.
        known = self.__dict__.get("_hash")
        if known is None:
            known = self.__dict__["_hash"] = hash(self.lessons)
        return cast(int, known)

    def lesson_for(self, coding: Coding) -> Lesson | None:
        """The mapping the clinic made for `coding`, if any."""
        return self.codes.get((coding.system, coding.code.strip()))


NOTHING_TAUGHT = Taught()
