"""Component allergy: the planned formulation's ingredients against the patient's allergies."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from mesoclinic.clinical.facts import Coding, HistoryRecord, RecordKind
from mesoclinic.clinical.freetext import words
from mesoclinic.clinical.history import Evidence, exists_on, holds_on

# Words that name a form or a salt, not a substance: "Alendronic acid" is no "hyaluronic acid".
GENERIC_WORDS = frozenset(
    {
        *("acid", "sodium", "potassium", "calcium", "magnesium", "zinc", "chloride"),
        *("hydrochloride", "sulfate", "phosphate", "acetate", "citrate", "extract", "oil"),
        *("solution", "salt", "water", "human", "recombinant", "complex", "vitamin"),
        *("vitamins", "and", "with", "for", "the", "from", "edible", "substance", "product"),
        *("allergy", "allergic", "intolerance", "hypersensitivity", "disorder", "finding"),
        *("organism", "medicinal"),
    }
)
# "Soy bean (substance)", "Allergy to lidocaine": the words around the allergen's name, left
# out when the allergy is shown as evidence.
_TAG = re.compile(r"\((substance|product|medicinal product|finding|disorder|organism)\)", re.I)
_LEAD = re.compile(r"^\s*(allergy|allergic|intolerance|hypersensitivity)\s+to\s+", re.I)


@dataclass(frozen=True)
class Formulation:
    """A planned cocktail: its name and its ingredients, coded or named."""

    name: str
    ingredients: tuple[Coding | str, ...]


def component_allergy_evidence(
    matched: Iterable[tuple[HistoryRecord, Coding | str]], on: date, formulation: Formulation
) -> list[Evidence]:
    """The allergies among `matched` (see `allergies_to`) current on `on`, one per allergy."""
    return [
        _evidence(record, ingredient, formulation)
        for record, ingredient in matched
        if exists_on(record, on) and holds_on(record, on)
    ]


def allergies_to(
    records: Iterable[HistoryRecord], formulation: Formulation
) -> list[tuple[HistoryRecord, Coding | str]]:
    """Each allergy record, current or not, naming an ingredient of `formulation`."""
    found = []
    for record in records:
        if record.kind is not RecordKind.ALLERGY:
            continue
        ingredient = next((i for i in formulation.ingredients if _allergic_to(record, i)), None)
        if ingredient is not None:
            found.append((record, ingredient))
    return found


def _allergic_to(record: HistoryRecord, ingredient: Coding | str) -> bool:
    """Whether the allergy names the ingredient, by code or by a word naming a substance."""
    if isinstance(ingredient, Coding) and any(
        (c.system, c.code) == (ingredient.system, ingredient.code) for c in record.codes
    ):
        return True
    name = ingredient.display if isinstance(ingredient, Coding) else ingredient
    return bool(_allergen_words(record.codes, record.text) & _substance_words(name))


@lru_cache(maxsize=16384)
def _allergen_words(codes: tuple[Coding, ...], text: str) -> frozenset[str]:
    """The substance words of an allergy ("soy" of "Soy bean (substance)")."""
    return frozenset().union(
        *(_substance_words(name) for name in (text, *(c.display for c in codes)))
    )


def _allergens(record: HistoryRecord) -> list[str]:
    names = [record.text, *(coding.display for coding in record.codes)]
    return [_LEAD.sub("", _TAG.sub("", name)).strip() for name in names if name.strip()]


@lru_cache(maxsize=16384)
def _substance_words(name: str) -> frozenset[str]:
    return frozenset(word for word in words(name) if len(word) > 2 and word not in GENERIC_WORDS)


def _evidence(
    record: HistoryRecord, ingredient: Coding | str, formulation: Formulation
) -> Evidence:
    coding = next(iter(record.codes), None)
    allergen = (_allergens(record) or [""])[0]
    name = ingredient.display or ingredient.code if isinstance(ingredient, Coding) else ingredient
    return Evidence(
        record.resource,
        coding.code if coding else "",
        f"Allergy to {allergen}; {formulation.name} contains {name}",
    )
