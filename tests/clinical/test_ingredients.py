"""The ingredient vocabulary: what a product holds, what an allergy names, and who is allergic."""

import tomllib
from datetime import date
from pathlib import Path

import pytest

from mesoclinic.clinical import valuesets
from mesoclinic.clinical.allergies import (
    LOCAL_ANAESTHETICS,
    Product,
    allergens,
    allergic_to,
    component_allergies,
    ingredient_ids,
)
from mesoclinic.clinical.facts import ATC, SNOMED, UNII, Coding, RecordKind
from mesoclinic.clinical.history import Evidence
from mesoclinic.clinical.valuesets import LANGUAGES, value_sets
from tests.clinical.builders import allergy, patient, typed

ON = date(2026, 11, 21)
NUMBING_CREAM = Product(
    "Numbing cream", (Coding(SNOMED, "387480006", "Lidocaine"), "Prilocaine 2.5%")
)
LIPOLYSIS = Product("Lipolysis cocktail", ("Phosphatidylcholine (soy)", "Sodium deoxycholate"))


@pytest.mark.parametrize(
    ("ingredient", "ids"),
    [
        (Coding(SNOMED, "387480006", ""), {"lidocaine"}),
        (Coding(UNII, "S270N0TRQY", "HYALURONIC ACID"), {"hyaluronic-acid"}),
        (Coding(ATC, "N01BB04", ""), {"prilocaine"}),
        (Coding(ATC, "N01BX04", "capsaicin"), {"local-anaesthetics"}),
        ("Sodium hyaluronate 1%", {"hyaluronic-acid"}),
        ("Hijaluronska kiselina", {"hyaluronic-acid"}),
        ("Фосфатидилхолин", {"phosphatidylcholine"}),
        ("Organik silisyum", {"organic-silicon"}),
        ("Vitamin B12 (cyanocobalamin)", {"vitamin-b12"}),
        ("Mannitol", set()),
    ],
)
def test_a_product_ingredient_is_known_by_its_code_or_its_name(ingredient, ids):
    assert ingredient_ids(ingredient) == ids


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Allergic to lidocaine", {"lidocaine"}),
        ("Lokal anestezikler", {"local-anaesthetics"}),
        ("Alergija na soju", {"soy"}),
        ("No allergy to lidocaine", set()),
        ("Mother is allergic to soy", set()),
        ("Tree pollen", set()),
    ],
)
def test_an_allergy_names_its_allergens_unless_it_denies_them(text, named):
    assert allergens(typed(RecordKind.ALLERGY, text)) == named


def test_an_allergy_to_one_local_anaesthetic_is_an_allergy_to_every_one():
    lidocaine = typed(RecordKind.ALLERGY, "Lidocaine")
    past = typed(RecordKind.ALLERGY, "Benzocaine", status="resolved")

    assert allergic_to(patient(lidocaine, past), LOCAL_ANAESTHETICS, ON) == (lidocaine,)
    assert allergic_to(patient(lidocaine), "prilocaine", ON) == (lidocaine,)
    assert allergic_to(patient(lidocaine), "hyaluronic-acid", ON) == ()


def test_component_allergy_evidence_names_the_allergy_the_product_and_the_ingredient():
    soy = allergy(SNOMED, "256355007", "Soy bean")
    anaesthetics = typed(RecordKind.ALLERGY, "Lokalni anestetici")

    found = component_allergies([soy, anaesthetics], (LIPOLYSIS, NUMBING_CREAM), ON)

    assert found == [
        Evidence(
            soy.resource,
            "256355007",
            "Allergy to Soy bean; Lipolysis cocktail contains Phosphatidylcholine (soy)",
            soy.codes,
        ),
        Evidence(
            anaesthetics.resource,
            "",
            "Allergy to Lokalni anestetici; Numbing cream contains Lidocaine",
            (),
        ),
    ]


def test_every_ingredient_has_names_in_every_language():
    content = tomllib.loads(
        (Path(valuesets.__file__).parent / "ingredients.toml").read_text(encoding="utf-8")
    )

    missing = [
        f"{name}: {language}"
        for name, table in content.items()
        for language in LANGUAGES
        if not table.get(language)
    ]
    assert missing == []
    assert len(value_sets().ingredients.by_id) == len(content)
