"""Reading one record: its codes through the value sets, its words through the synonyms."""

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from mesoclinic.clinical import valuesets
from mesoclinic.clinical.concepts import Concept, Marker
from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED, Coding, HistoryRecord, RecordKind
from mesoclinic.clinical.freetext import words
from mesoclinic.clinical.recognition import Reading, read_record
from mesoclinic.clinical.valuesets import ValueSetError, read_value_sets, value_sets
from tests.clinical.builders import typed
from tests.shared import FHIR_SAMPLES, needs_shared

NO_CONCERN = Marker.NO_CONCERN


def meanings(text: str, kind: RecordKind = RecordKind.CONDITION) -> list[tuple[str, bool]]:
    """What typed words mean, and whether they say it is in the past."""
    return [(r.meaning.value, r.past) for r in read_record(typed(kind, text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Naproxen sodium 220 MG Oral Tablet", [("nsaid-or-aspirin", False)]),
        ("24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", []),
        (
            "Insulin Lispro 100 UNT/ML Injectable Solution [Humalog]",
            [("insulin", False), ("insulin", False)],
        ),
        ("Vitamin E 400 UNT Oral Capsule", [("vitamin-e", False), ("ingredient", False)]),
        ("Gingko biloba extract", [("ginkgo-or-willow-bark", False)]),
        ("NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector", [("anaphylaxis-history", False)]),
        ("Hydrocortisone 10 MG/ML Topical Cream", [("no-concern", False)]),
        ("Prednisolone 5 MG Oral Tablet", [("immunosuppression", False)]),
        ("Acetaminophen 325 MG Oral Tablet", [("no-concern", False)]),
        ("Isopropyl alcohol 70% swab", [("no-concern", False)]),
    ],
)
def test_a_drug_is_known_by_the_ingredient_names_in_its_display(text, expected):
    assert meanings(text, RecordKind.MEDICATION) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Currently pregnant, 12 weeks", [("pregnancy", False)]),
        ("Not pregnant", [("no-concern", False)]),
        ("non-diabetic", [("no-concern", False)]),
        ("Family history of diabetes", [("no-concern", False)]),
        ("Mother had a stroke", [("no-concern", False)]),
        ("History of stroke (2019)", [("stroke-history", True)]),
        ("Previous pregnancy, delivered 2021", [("pregnancy", True), ("no-concern", False)]),
        ("No fever, but pregnant", [("pregnancy", False)]),
        ("no diabetes; pregnant", [("no-concern", False), ("pregnancy", False)]),
        ("Pregnancy test negative", [("no-concern", False)]),
        ("Stroke ruled out", [("no-concern", False)]),
        ("Pre-diabetes", [("no-concern", False)]),
        ("Prediabetes (finding)", [("no-concern", False)]),
        ("Non-insulin-dependent diabetes", [("diabetes", False)]),
        ("Insulin-dependent diabetes", [("insulin-dependent-diabetes", False)]),
        ("Diabetes mellitus type 1 (disorder)", [("insulin-dependent-diabetes", False)]),
        ("Heat stroke last summer", [("no-concern", False)]),
        ("Sjögren's syndrome", [("autoimmune-disease", False)]),
        ("Crohn’s disease", [("autoimmune-disease", False)]),
        ("Cold sore on the upper lip", [("active-infection", False)]),
        ("Chronic sinusitis (disorder)", [("no-concern", False)]),
        ("Body mass index 30+ - obesity (finding)", [("obesity", False)]),
        ("Seasonal allergic rhinitis", [("not-relevant", False)]),
        ("Hamile değilim", [("no-concern", False)]),
        ("Трудноћа у току", [("pregnancy", False)]),
        ("Unsure whether pregnant", [("pregnancy", False)]),
        ("Injection site bruise", []),
    ],
)
def test_typed_words_are_read_with_what_surrounds_them(text, expected):
    assert meanings(text) == expected


def record(*codes: Coding, kind: RecordKind = RecordKind.MEDICATION, **fields) -> HistoryRecord:
    return HistoryRecord("MedicationStatement/1", kind, codes, **fields)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("B01AA03", [Concept.ANTICOAGULANT_THERAPY]),
        ("B01AC06", [Concept.ANTICOAGULANT_THERAPY, Concept.NSAID_OR_ASPIRIN]),
        ("M01AE01", [Concept.NSAID_OR_ASPIRIN]),
        ("C01AA05", [Concept.CARDIAC_MEDICATION]),
        ("C01CA24", []),
        ("C07AB02", [Marker.BETA_BLOCKER]),
        ("A10AB04", [Marker.INSULIN]),
        ("A10BA02", []),
        ("L04AD02", [Concept.IMMUNOSUPPRESSION]),
        ("H02AB06", [Concept.IMMUNOSUPPRESSION]),
        ("H02AA02", []),
        ("N06BA04", [Concept.STIMULANT]),
    ],
)
def test_an_atc_code_means_every_class_it_falls_in(code, expected):
    readings = read_record(record(Coding(ATC, code)))

    assert [r.meaning for r in readings] == expected


def test_a_code_reading_names_the_code_that_carries_it():
    warfarin = Coding(RXNORM, "855332", "warfarin sodium 5 MG Oral Tablet")

    assert read_record(record(warfarin)) == (
        Reading(Concept.ANTICOAGULANT_THERAPY, coding=warfarin),
        Reading(Concept.ANTICOAGULANT_THERAPY, phrase="warfarin"),
    )


def test_a_pregnancy_status_observation_is_read_by_its_answer():
    question = Coding(LOINC, "82810-3", "Pregnancy status")
    pregnant = Coding(LOINC, "LA15173-0", "Pregnant")
    not_pregnant = Coding(LOINC, "LA26683-5", "Not pregnant")

    def read(answer: Coding) -> list[tuple[str, str]]:
        readings = read_record(record(question, answer, kind=RecordKind.OBSERVATION))
        return [(r.meaning.value, r.coding.code if r.coding else r.phrase) for r in readings]

    assert read(pregnant) == [("pregnancy", "LA15173-0")]
    assert read(not_pregnant) == [("no-concern", "LA26683-5")]
    assert read(Coding(LOINC, "LA4489-6", "Unknown")) == [("pregnancy", "LA4489-6")]


@pytest.mark.parametrize(
    ("said", "meaning", "uncertain"),
    [
        ("Yes", Concept.PREGNANCY, False),
        ("no", NO_CONCERN, False),
        ("ne", NO_CONCERN, False),
        ("hayır", NO_CONCERN, False),
        ("Not sure", Concept.PREGNANCY, True),
        ("12 weeks", Concept.PREGNANCY, True),
    ],
)
def test_a_status_answered_in_words_is_yes_no_or_still_open(said, meaning, uncertain):
    question = Coding(LOINC, "82810-3", "Pregnancy status")

    readings = read_record(record(question, kind=RecordKind.OBSERVATION, text=said))

    assert [(r.meaning, r.uncertain) for r in readings] == [(meaning, uncertain)]


@pytest.mark.parametrize(
    ("value", "meaning"), [(30.0, Concept.OBESITY), (29.9, NO_CONCERN), (None, NO_CONCERN)]
)
def test_a_bmi_of_30_or_more_means_obesity(value, meaning):
    bmi = Coding(LOINC, "39156-5", "Body mass index (BMI) [Ratio]")

    assert read_record(record(bmi, kind=RecordKind.OBSERVATION, value=value)) == (
        Reading(meaning, bmi),
    )


def test_an_unknown_code_is_not_read_at_all():
    assert read_record(record(Coding(SNOMED, "84757009", ""))) == ()


def copy_value_sets(tmp_path: Path) -> Path:
    folder = tmp_path / "valuesets"
    shutil.copytree(Path(valuesets.__file__).parent, folder)
    return folder


def test_a_value_set_naming_an_unknown_concept_is_refused(tmp_path):
    folder = copy_value_sets(tmp_path)
    (folder / "atc.toml").write_text('[pregnant]\n"X01" = "typo"\n', encoding="utf-8")

    with pytest.raises(ValueSetError, match=r"atc.toml, \[pregnant\]: unknown concept 'pregnant'"):
        read_value_sets(folder)


def test_an_empty_phrase_is_refused(tmp_path):
    folder = copy_value_sets(tmp_path)
    synonyms = folder / "synonyms.toml"
    text = synonyms.read_text(encoding="utf-8")
    synonyms.write_text(text.replace('obesity = ["obesity"', 'obesity = [" "', 1), encoding="utf-8")

    with pytest.raises(ValueSetError, match=r"synonyms.toml, \[phrases\]: obesity must list"):
        read_value_sets(folder)


def test_the_shipped_value_sets_load_the_same_from_a_copy(tmp_path):
    copied = read_value_sets(copy_value_sets(tmp_path))

    assert copied.codes == value_sets().codes
    assert copied.atc_prefixes == value_sets().atc_prefixes


def sample_codes() -> dict[tuple[str, str], str]:
    """Every (system, code) → display in the Synthea samples."""
    found = {}
    for path in FHIR_SAMPLES.glob("synthea-*/*.ndjson"):
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            concepts = [resource.get("code") or resource.get("medicationCodeableConcept") or {}]
            for reaction in resource.get("reaction", []):
                concepts += reaction.get("manifestation", [])
            for concept in concepts:
                for coding in concept.get("coding", []):
                    found[coding["system"], coding["code"]] = coding.get("display", "")
    return found


def marked_from_samples() -> list[tuple[str, str]]:
    """The value-set entries whose comment says Synthea uses them."""
    folder = Path(valuesets.__file__).parent
    systems = {"snomed.toml": SNOMED, "rxnorm.toml": RXNORM}
    marked = []
    for name in ("snomed.toml", "rxnorm.toml", "not-relevant.toml"):
        system = systems.get(name, "")
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("[") and line.rstrip().endswith(".sct]"):
                system = SNOMED
            elif line.startswith("[") and line.rstrip().endswith(".rxnorm]"):
                system = RXNORM
            if line.startswith('"') and "# synthea" in line:
                marked.append((system, line.split('"')[1]))
    return marked


@needs_shared
def test_every_code_marked_synthea_occurs_in_the_samples():
    samples = sample_codes()

    assert [code for code in marked_from_samples() if code not in samples] == []
    assert len(marked_from_samples()) >= 60


def test_every_concept_has_phrases_in_english_serbian_and_turkish():
    synonyms = tomllib.loads(
        (Path(valuesets.__file__).parent / "synonyms.toml").read_text(encoding="utf-8")
    )
    read_from_records = [c for c in Concept if c.kinds]

    missing = [
        f"{table}: {concept}"
        for table in ("phrases", "phrases-sr", "phrases-tr")
        for concept in read_from_records
        if concept.value not in synonyms[table]
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Trudnoća", "Трудноћа"), ("Dojilja", "Дојиља"), ("Džem, šećer", "Џем, шећер")],
)
def test_serbian_cyrillic_reads_as_latin(latin, cyrillic):
    assert words(cyrillic) == words(latin)
