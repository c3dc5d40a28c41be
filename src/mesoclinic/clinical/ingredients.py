"""The injectables' ingredients as one vocabulary: ids, codes, groups and sources.

A product names its ingredients by code or by name; an allergy names its allergen the same way.
Both become ingredient ids here, so "Allergic to local anaesthetics" meets the lidocaine of a
numbing cream, and a soy allergy meets "phosphatidylcholine (soy)".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from mesoclinic.clinical.facts import ATC, Coding

LOCAL_ANAESTHETICS = "local-anaesthetics"


@dataclass(frozen=True)
class Ingredient:
    """One ingredient or group of ingredients, with its codes and where it belongs."""

    id: str
    name: str
    codes: tuple[Coding, ...] = ()
    within: tuple[str, ...] = ()
    source: str = ""
    cross_reactive: bool = False


class IngredientBook:
    """Every ingredient the value sets know, found by id or by code."""

    def __init__(self, ingredients: Iterable[Ingredient]) -> None:
        self.by_id = {ingredient.id: ingredient for ingredient in ingredients}
        self.by_code: dict[tuple[str, str], str] = {}
        prefixes = []
        for ingredient in self.by_id.values():
            for coding in ingredient.codes:
                if coding.system == ATC:
                    prefixes.append((coding.code, ingredient.id))
                else:
                    self.by_code[coding.system, coding.code] = ingredient.id
        # The most specific ATC class first: N01BB02 is lidocaine before N01B is a group.
        self.atc = sorted(prefixes, key=lambda entry: -len(entry[0]))

    def __getitem__(self, ingredient_id: str) -> Ingredient:
        return self.by_id[ingredient_id]

    def __contains__(self, ingredient_id: object) -> bool:
        return ingredient_id in self.by_id

    def coded(self, coding: Coding) -> str | None:
        """The ingredient a code names, if any (an ATC code by its most specific class)."""
        if coding.system == ATC:
            code = coding.code.strip().upper()
            return next((i for prefix, i in self.atc if code.startswith(prefix)), None)
        return self.by_code.get((coding.system, coding.code.strip()))

    def contents(self, ingredient_ids: Iterable[str]) -> frozenset[str]:
        """What a product holding these ingredients holds: each, its groups and its sources."""
        found: set[str] = set()
        pending = list(ingredient_ids)
        while pending:
            current = pending.pop()
            if current in found or current not in self.by_id:
                continue
            found.add(current)
            ingredient = self.by_id[current]
            pending += [*ingredient.within, *([ingredient.source] if ingredient.source else [])]
        return frozenset(found)

    def allergy_reach(self, allergen_ids: Iterable[str]) -> frozenset[str]:
        """What an allergy to these allergens covers: each, its sources, its cross-reactive groups.

        An allergy to soy lecithin is a soy allergy; an allergy to lidocaine covers every local
        anaesthetic, since they stand for each other (product decision).
        """
        found: set[str] = set()
        pending = list(allergen_ids)
        while pending:
            current = pending.pop()
            if current in found or current not in self.by_id:
                continue
            found.add(current)
            ingredient = self.by_id[current]
            pending += [ingredient.source] if ingredient.source else []
            pending += [g for g in ingredient.within if self.by_id[g].cross_reactive]
        return frozenset(found)

    def covers(self, allergen_ids: Iterable[str], ingredient_ids: Iterable[str]) -> bool:
        """Whether an allergy to `allergen_ids` covers a product holding `ingredient_ids`."""
        return bool(self.allergy_reach(allergen_ids) & self.contents(ingredient_ids))
