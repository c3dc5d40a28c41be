"""Component allergy: the planned products' ingredients against the patient's allergies.

A product names each ingredient by a code (SNOMED CT substance, RxNorm ingredient, UNII, ATC)
or by a name; an allergy names its allergen by code or words, in any of the clinics' languages.
Both are read into the ingredient vocabulary (`ingredients.toml`), where groups and sources meet:
an allergy to "local anaesthetics" covers the lidocaine of a numbing cream, a soy allergy the
phosphatidylcholine of a lipolysis cocktail. Names the vocabulary does not know still meet by a
shared substance word ("soy bean" and "soy lecithin").
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from mesoclinic.clinical.concepts import Marker
from mesoclinic.clinical.facts import Coding, HistoryRecord, PatientFacts, Reaction, RecordKind
from mesoclinic.clinical.freetext import words
from mesoclinic.clinical.history import Evidence, exists_on, holds_on
from mesoclinic.clinical.ingredients import LOCAL_ANAESTHETICS
from mesoclinic.clinical.recognition import read_content, read_record
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught
from mesoclinic.clinical.valuesets import value_sets

__all__ = [
    "LOCAL_ANAESTHETICS",
    "Formulation",
    "Product",
    "allergens",
    "allergic_to",
    "component_allergies",
    "ingredient_ids",
]

# Words that name a form or a salt, not a substance: "Alendronic acid" is no "hyaluronic acid".
GENERIC_WORDS = frozenset(
    {
        *("acid", "sodium", "potassium", "calcium", "magnesium", "zinc", "chloride"),
        *("hydrochloride", "sulfate", "phosphate", "acetate", "citrate", "extract", "oil"),
        *("solution", "salt", "water", "human", "recombinant", "complex", "vitamin"),
        *("vitamins", "and", "with", "for", "the", "from", "edible", "substance", "product"),
        *("allergy", "allergic", "intolerance", "hypersensitivity", "disorder", "finding"),
        *("organism", "medicinal", "alergija", "alerjisi", "alerji", "kiselina", "asit"),
    }
)
# "Soy bean (substance)", "Allergy to lidocaine": the words around the allergen's name, left
# out when the allergy is shown as evidence.
_TAG = re.compile(r"\((substance|product|medicinal product|finding|disorder|organism)\)", re.I)
_LEAD = re.compile(r"^\s*(allergy|allergic|intolerance|hypersensitivity)\s+to\s+", re.I)


@dataclass(frozen=True)
class Product:
    """A product of a treatment plan (a cocktail, a numbing cream) and its ingredients.

    Each ingredient is a Coding (SNOMED CT, RxNorm, UNII or ATC) or a name.
    """

    name: str
    ingredients: tuple[Coding | str, ...]


# A formulation mixed for one patient is a product like any other.
Formulation = Product


def ingredient_ids(ingredient: Coding | str) -> frozenset[str]:
    """The vocabulary's ids for one ingredient line of a product: by its code, else its name."""
    if isinstance(ingredient, Coding):
        coded = value_sets().ingredients.coded(ingredient)
        return frozenset({coded}) if coded else _named_ids(ingredient.display)
    return _named_ids(ingredient)


@lru_cache(maxsize=16384)
def _named_ids(name: str) -> frozenset[str]:
    readings = read_content((), name, None)
    return frozenset(r.detail for r in readings if r.meaning is Marker.INGREDIENT)


def allergens(record: HistoryRecord, taught: Taught = NOTHING_TAUGHT) -> frozenset[str]:
    """The ingredient ids an allergy names (a denied one, "no allergy to lidocaine", names none)."""
    if record.kind is not RecordKind.ALLERGY:
        return frozenset()
    readings = read_record(record, taught)
    return frozenset(r.detail for r in readings if r.meaning is Marker.INGREDIENT)


def allergic_to(
    facts: PatientFacts, ingredient_id: str, on: date, taught: Taught = NOTHING_TAUGHT
) -> tuple[HistoryRecord, ...]:
    """The patient's allergies current on `on` that cover an ingredient or group.

    `allergic_to(facts, LOCAL_ANAESTHETICS, on)` tells preparation never to offer numbing cream.
    """
    book = value_sets().ingredients
    return tuple(
        record
        for record in facts.records
        if _current(record, on) and book.covers(allergens(record, taught), [ingredient_id])
    )


def component_allergies(
    records: Iterable[HistoryRecord],
    products: Sequence[Product],
    on: date,
    taught: Taught = NOTHING_TAUGHT,
) -> list[Evidence]:
    """One piece of evidence per current allergy meeting an ingredient of a planned product."""
    found = []
    for record in records:
        if record.kind is not RecordKind.ALLERGY or not _current(record, on):
            continue
        match = first_match(record, products, taught)
        if match is not None:
            found.append(allergy_evidence(record, *match))
    return found


def allergic_records(
    records: Iterable[HistoryRecord], products: Sequence[Product], taught: Taught = NOTHING_TAUGHT
) -> list[HistoryRecord]:
    """Every allergy, current or not, meeting an ingredient of a planned product."""
    return [
        record
        for record in records
        if record.kind is RecordKind.ALLERGY and first_match(record, products, taught) is not None
    ]


def _current(record: HistoryRecord, on: date) -> bool:
    return exists_on(record, on) and holds_on(record, on)


# The planned product and the ingredient an allergy meets, or None.
Match = tuple[Product, Coding | str] | None


def first_match(record: HistoryRecord, products: Sequence[Product], taught: Taught) -> Match:
    """The first ingredient of the planned `products` the allergy `record` meets, if any."""
    if not products:
        return None
    return _match(record.codes, record.text, record.reactions, tuple(products), taught)


@lru_cache(maxsize=16384)
def _match(
    codes: tuple[Coding, ...],
    text: str,
    reactions: tuple[Reaction, ...],
    products: tuple[Product, ...],
    taught: Taught,
) -> tuple[Product, Coding | str] | None:
    """The first product ingredient an allergy with these codes and words meets, if any."""
    record = HistoryRecord("", RecordKind.ALLERGY, codes, text, reactions=reactions)
    named = allergens(record, taught)
    book = value_sets().ingredients
    for product in products:
        for ingredient in product.ingredients:
            ids = ingredient_ids(ingredient)
            if (named and ids and book.covers(named, ids)) or _same_substance(
                record, ingredient, named, ids
            ):
                return product, ingredient
    return None


def _same_substance(
    record: HistoryRecord, ingredient: Coding | str, named: frozenset[str], ids: frozenset[str]
) -> bool:
    """Outside the vocabulary: the same code, or a shared substance word (deliberately broad)."""
    if isinstance(ingredient, Coding) and any(
        (c.system, c.code) == (ingredient.system, ingredient.code) for c in record.codes
    ):
        return True
    if (named and ids) or _denied(record):
        return False
    name = ingredient.display if isinstance(ingredient, Coding) else ingredient
    return bool(_allergen_words(record.codes, record.text) & _substance_words(name))


def _denied(record: HistoryRecord) -> bool:
    """Whether the allergy's words deny it: "No allergy to lidocaine", "No known allergies"."""
    return any(r.meaning is Marker.NO_CONCERN for r in read_record(record))


@lru_cache(maxsize=16384)
def _allergen_words(codes: tuple[Coding, ...], text: str) -> frozenset[str]:
    """The substance words of an allergy ("soy" of "Soy bean (substance)")."""
    return frozenset().union(
        *(_substance_words(name) for name in (text, *(c.display for c in codes)))
    )


@lru_cache(maxsize=16384)
def _substance_words(name: str) -> frozenset[str]:
    return frozenset(word for word in words(name) if len(word) > 2 and word not in GENERIC_WORDS)


def _allergen_name(record: HistoryRecord) -> str:
    names = [record.text, *(coding.display for coding in record.codes)]
    cleaned = [_LEAD.sub("", _TAG.sub("", name)).strip() for name in names if name.strip()]
    return next(iter(cleaned), record.name)


def allergy_evidence(record: HistoryRecord, product: Product, ingredient: Coding | str) -> Evidence:
    """The allergy as evidence: what it is to, and which planned product contains it."""
    return shown_allergy(record, allergy_display(record, product, ingredient))


def allergy_display(record: HistoryRecord, product: Product, ingredient: Coding | str) -> str:
    """What an allergy's evidence says: the same for every allergy of one content and plan."""
    name = ingredient.display or ingredient.code if isinstance(ingredient, Coding) else ingredient
    return f"Allergy to {_allergen_name(record)}; {product.name} contains {name}"


def shown_allergy(record: HistoryRecord, display: str) -> Evidence:
    """The allergy as evidence, saying `display` (`allergy_display`)."""
    first = record.codes[0] if record.codes else None
    return Evidence(
        resource=record.resource,
        code=first.code if first else "",
        display=display,
        codes=record.codes,
    )
