"""Screening: each protocol's contraindications, on coded and typed records, past and present."""

from dataclasses import dataclass, replace
from datetime import date

import pytest

from mesoclinic.clinical.concepts import Concept, Severity, Verdict
from mesoclinic.clinical.facts import LOINC, RXNORM, SNOMED, Coding, HistoryRecord, RecordKind
from mesoclinic.clinical.protocols import all_protocols, load_protocol
from mesoclinic.clinical.screening import (
    Evidence,
    Finding,
    Formulation,
    Screening,
    screen,
    screening_to_json,
)
from mesoclinic.clinical.sources import DECEASED_SOURCE, UNRECOGNISED_SOURCE
from mesoclinic.clinical.valuesets import value_sets
from tests.clinical.builders import allergy, bmi, condition, medication, patient, typed

ON = date(2026, 11, 21)
STANDARD = load_protocol("standard")
LIPOLYSIS = Formulation(
    "Lipolysis cocktail",
    (
        Coding(RXNORM, "6387", "lidocaine"),
        "phosphatidylcholine (soy lecithin)",
        "sodium deoxycholate",
    ),
)
VERDICT = {
    Severity.ABSOLUTE: Verdict.CONTRAINDICATED,
    Severity.RELATIVE: Verdict.REVIEW,
    Severity.ADVISORY: Verdict.ELIGIBLE,
}
CONDITION, MEDICATION, ALLERGY = RecordKind.CONDITION, RecordKind.MEDICATION, RecordKind.ALLERGY


@dataclass(frozen=True)
class Case:
    """How a concept shows in a chart: coded, typed by hand (and the words that tell), and over."""

    coded: HistoryRecord
    written: HistoryRecord
    words: str
    over: HistoryRecord


def over(record: HistoryRecord, status: str = "resolved") -> HistoryRecord:
    return replace(record, status=status, onset=date(2015, 3, 1), ended=date(2016, 3, 1))


def case(
    coded: HistoryRecord, written: HistoryRecord, words: str, status: str = "resolved"
) -> Case:
    return Case(coded, written, words, over(coded, status))


CASES = {
    Concept.PREGNANCY: case(
        condition("72892002", "Normal pregnancy", onset=date(2026, 9, 1)),
        typed(CONDITION, "Currently pregnant, 12 weeks"),
        "currently pregnant",
    ),
    Concept.BREASTFEEDING: case(
        condition("413712001", "Breastfeeding (mother)"),
        typed(RecordKind.OBSERVATION, "Breastfeeding her 4-month-old"),
        "breastfeeding",
    ),
    Concept.COAGULATION_DISORDER: case(
        condition("128053003", "Deep venous thrombosis (disorder)"),
        typed(CONDITION, "Von Willebrand disease"),
        "von willebrand",
    ),
    Concept.STROKE_HISTORY: case(
        condition("230690007", "Cerebrovascular accident (disorder)"),
        typed(CONDITION, "TIA in 2019"),
        "tia",
    ),
    Concept.INSULIN_DEPENDENT_DIABETES: case(
        condition("46635009", "Diabetes mellitus type 1 (disorder)"),
        typed(CONDITION, "Type 1 diabetes since childhood"),
        "type 1 diabetes",
    ),
    Concept.DIABETES: case(
        condition("44054006", "Diabetes mellitus type 2 (disorder)"),
        typed(CONDITION, "Diabetic, diet-controlled"),
        "diabetic",
    ),
    Concept.CARDIAC_MEDICATION: case(
        medication("705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray"),
        typed(MEDICATION, "Digoxin 125 micrograms daily"),
        "digoxin",
        "stopped",
    ),
    Concept.AUTOIMMUNE_DISEASE: case(
        condition("55464009", "Systemic lupus erythematosus (disorder)"),
        typed(CONDITION, "Rheumatoid arthritis"),
        "rheumatoid arthritis",
    ),
    Concept.ACTIVE_INFECTION: case(
        condition("444814009", "Viral sinusitis (disorder)"),
        typed(CONDITION, "Cold sore on the upper lip"),
        "cold sore",
    ),
    Concept.OBESITY: case(
        condition("162864005", "Body mass index 30+ - obesity (finding)"),
        typed(CONDITION, "Obese"),
        "obese",
    ),
    Concept.COMPONENT_ALLERGY: case(
        allergy(RXNORM, "6387", "Lidocaine"), typed(ALLERGY, "Soy"), "", "inactive"
    ),
    Concept.LATEX_ALLERGY: case(
        allergy(SNOMED, "111088007", "Latex (substance)"), typed(ALLERGY, "Latex gloves"), "latex"
    ),
    Concept.ANAPHYLAXIS_HISTORY: case(
        medication("1870230", "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector"),
        typed(CONDITION, "Anaphylaxis to peanuts in 2012"),
        "anaphylaxis",
        "stopped",
    ),
    Concept.IMMUNOSUPPRESSION: case(
        medication("1664463", "24 HR tacrolimus 1 MG Extended Release Oral Tablet"),
        typed(MEDICATION, "Prednisolone 20 mg daily"),
        "prednisolone",
        "stopped",
    ),
    Concept.ANTICOAGULANT_THERAPY: case(
        medication("855332", "warfarin sodium 5 MG Oral Tablet"),
        typed(MEDICATION, "Eliquis 5 mg twice daily"),
        "eliquis",
        "stopped",
    ),
}

EXPECTED_EVIDENCE = {
    Concept.COMPONENT_ALLERGY: {
        "coded": "Allergy to Lidocaine; Lipolysis cocktail contains lidocaine",
        "written": "Allergy to Soy; Lipolysis cocktail contains phosphatidylcholine (soy lecithin)",
    }
}

RULES = [
    (protocol, rule)
    for protocol in all_protocols()
    for rule in protocol.contraindications
    if rule.concept in CASES
]
RULE_IDS = [f"{protocol.id}-{rule.concept}" for protocol, rule in RULES]


def evidence_of(record: HistoryRecord, concept: Concept, way: str) -> Evidence:
    code = record.codes[0].code if record.codes else ""
    display = record.codes[0].display if record.codes else record.text
    if concept in EXPECTED_EVIDENCE:
        display = EXPECTED_EVIDENCE[concept][way]
        return Evidence(record.resource, code, display, record.codes)
    words = CASES[concept].words if way == "written" else ""
    return Evidence(record.resource, code, display, record.codes, words)


def test_every_contraindication_of_every_protocol_has_a_case():
    named = {rule.concept for protocol in all_protocols() for rule in protocol.contraindications}

    assert named - set(CASES) == {Concept.MINOR}


@pytest.mark.parametrize("way", ["coded", "written"])
@pytest.mark.parametrize(("protocol", "rule"), RULES, ids=RULE_IDS)
def test_each_contraindication_triggers_on_coded_and_on_typed_records(protocol, rule, way):
    record = getattr(CASES[rule.concept], way)

    screening = screen(patient(record), protocol, ON, (LIPOLYSIS,))

    evidence = evidence_of(record, rule.concept, way)
    assert screening == Screening(
        protocol.id,
        protocol.version,
        ON,
        VERDICT[rule.severity],
        (Finding(rule.concept, rule.severity, (evidence,), rule.source),),
        unrecognised=(),
    )


PRESENT_ONLY = [(p, r) for p, r in RULES if not r.concept.ever]
EVER = [(p, r) for p, r in RULES if r.concept.ever]


@pytest.mark.parametrize(
    ("protocol", "rule"), PRESENT_ONLY, ids=[f"{p.id}-{r.concept}" for p, r in PRESENT_ONLY]
)
def test_a_resolved_or_stopped_record_does_not_trigger(protocol, rule):
    screening = screen(patient(CASES[rule.concept].over), protocol, ON, (LIPOLYSIS,))

    assert (screening.verdict, screening.findings, screening.unrecognised) == (
        Verdict.ELIGIBLE,
        (),
        (),
    )


@pytest.mark.parametrize(("protocol", "rule"), EVER, ids=[f"{p.id}-{r.concept}" for p, r in EVER])
def test_an_ever_concept_counts_a_resolved_record_but_never_a_refuted_one(protocol, rule):
    past = CASES[rule.concept].over
    refuted = replace(past, verification="refuted")

    assert [f.concept for f in screen(patient(past), protocol, ON).findings] == [rule.concept]
    assert screen(patient(refuted), protocol, ON).findings == ()


def concepts(screening: Screening) -> list[str]:
    return [finding.concept.value for finding in screening.findings]


def test_findings_come_worst_first_in_the_protocols_order():
    chart = patient(
        typed(ALLERGY, "Latex"),
        typed(CONDITION, "Obese"),
        typed(CONDITION, "Pregnant"),
        typed(MEDICATION, "Warfarin 5 mg"),
    )

    assert concepts(screen(chart, STANDARD, ON)) == [
        "pregnancy",
        "obesity",
        "anticoagulant-therapy",
        "latex-allergy",
    ]


def test_a_deceased_patient_is_not_bookable_whatever_else_is_found():
    screening = screen(patient(typed(CONDITION, "Pregnant"), deceased=True), STANDARD, ON)

    assert screening.verdict is Verdict.NOT_BOOKABLE
    assert screening.findings[0] == Finding(
        Concept.DECEASED,
        Severity.ABSOLUTE,
        (Evidence("Patient", "deceased", "The record says the patient has died"),),
        DECEASED_SOURCE,
    )
    assert concepts(screening) == ["deceased", "pregnancy"]


@pytest.mark.parametrize(
    ("born", "minor"),
    [
        (date(2008, 11, 22), True),
        (date(2008, 11, 21), False),
        (date(2010, 1, 1), True),
        (None, False),
    ],
)
def test_a_patient_under_18_on_the_treatment_day_needs_review(born, minor):
    screening = screen(patient(born=born), STANDARD, ON)

    assert screening.verdict is (Verdict.REVIEW if minor else Verdict.ELIGIBLE)
    assert concepts(screening) == (["minor"] if minor else [])


def test_minor_evidence_shows_the_age_on_the_treatment_day():
    screening = screen(patient(born=date(2008, 11, 22)), STANDARD, ON)

    assert screening.findings[0].evidence == (
        Evidence("Patient", "birthDate", "Born 2008-11-22: 17 years old on 2026-11-21"),
    )


def test_born_on_29_february_turns_18_on_1_march_in_a_common_year():
    born = date(2008, 2, 29)

    assert concepts(screen(patient(born=born), STANDARD, date(2026, 2, 28))) == ["minor"]
    assert concepts(screen(patient(born=born), STANDARD, date(2026, 3, 1))) == []


def test_type_2_diabetes_with_active_insulin_is_insulin_dependent():
    diabetes = condition("44054006", "Diabetes mellitus type 2 (disorder)")
    insulin = medication("106892", "insulin isophane, human 70 UNT/ML [Humulin]")

    screening = screen(patient(diabetes, insulin), STANDARD, ON)

    assert screening.findings == (
        Finding(
            Concept.INSULIN_DEPENDENT_DIABETES,
            Severity.ABSOLUTE,
            (
                Evidence(
                    diabetes.resource,
                    "44054006",
                    "Diabetes mellitus type 2 (disorder)",
                    diabetes.codes,
                ),
                Evidence(
                    insulin.resource,
                    "106892",
                    "insulin isophane, human 70 UNT/ML [Humulin]",
                    insulin.codes,
                ),
            ),
            STANDARD.contraindications[4].source,
        ),
    )


def test_diabetes_without_insulin_is_only_for_review_under_standard_and_nothing_under_ref_000():
    diabetes = condition("44054006", "Diabetes mellitus type 2 (disorder)")
    stopped_insulin = typed(MEDICATION, "Insulin glargine", status="stopped")
    chart = patient(diabetes, stopped_insulin)

    assert (screen(chart, STANDARD, ON).verdict, concepts(screen(chart, STANDARD, ON))) == (
        Verdict.REVIEW,
        ["diabetes"],
    )
    assert screen(chart, load_protocol("ref-000"), ON).verdict is Verdict.ELIGIBLE


def test_insulin_therapy_alone_is_insulin_dependent_diabetes():
    insulin = typed(MEDICATION, "Insulin Lispro 100 UNT/ML")

    assert screen(patient(insulin), STANDARD, ON).findings == (
        Finding(
            Concept.INSULIN_DEPENDENT_DIABETES,
            Severity.ABSOLUTE,
            (Evidence(insulin.resource, "", "Insulin Lispro 100 UNT/ML", (), "insulin"),),
            STANDARD.contraindications[4].source,
        ),
    )


def test_an_insulin_dependent_diabetic_is_a_diabetic_for_a_protocol_naming_diabetics():
    record = CASES[Concept.INSULIN_DEPENDENT_DIABETES].coded

    assert concepts(screen(patient(record), load_protocol("ref-001"), ON)) == ["diabetes"]


def test_prediabetes_and_raised_glucose_are_recognised_but_are_not_diabetes():
    chart = patient(
        condition("15777000", "Prediabetes"),
        condition("80394007", "Hyperglycemia (disorder)"),
        typed(CONDITION, "Borderline diabetes"),
    )

    screening = screen(chart, STANDARD, ON)

    assert (screening.findings, screening.unrecognised) == ((), ())


def test_a_miscarriage_a_delivery_or_a_stale_pregnancy_is_never_a_pregnancy():
    chart = patient(
        condition("19169002", "Miscarriage in first trimester", onset=date(2026, 10, 1)),
        condition("169826009", "Single live birth (finding)", onset=date(2026, 6, 1)),
        condition("72892002", "Normal pregnancy", onset=date(2024, 6, 1)),
    )

    screening = screen(chart, STANDARD, ON)

    assert (screening.findings, screening.unrecognised) == ((), ())


def status(answer: Coding, on: date) -> HistoryRecord:
    return HistoryRecord(
        f"Observation/{answer.code}-{on}",
        RecordKind.OBSERVATION,
        (Coding(LOINC, "82810-3", "Pregnancy status"), answer),
        status="final",
        onset=on,
    )


def test_only_the_latest_answer_to_an_observation_counts():
    pregnant = status(Coding(LOINC, "LA15173-0", "Pregnant"), date(2026, 6, 1))
    not_pregnant = status(Coding(LOINC, "LA26683-5", "Not pregnant"), date(2026, 11, 1))

    assert concepts(screen(patient(pregnant, not_pregnant), STANDARD, ON)) == []
    assert concepts(screen(patient(pregnant), STANDARD, ON)) == ["pregnancy"]


def test_answers_given_on_the_same_day_all_stand_whatever_their_order():
    pregnant = status(Coding(LOINC, "LA15173-0", "Pregnant"), date(2026, 11, 1))
    not_pregnant = status(Coding(LOINC, "LA26683-5", "Not pregnant"), date(2026, 11, 1))

    assert concepts(screen(patient(pregnant, not_pregnant), STANDARD, ON)) == ["pregnancy"]
    assert concepts(screen(patient(not_pregnant, pregnant), STANDARD, ON)) == ["pregnancy"]


def test_the_latest_bmi_decides_obesity():
    old, new = bmi(32.0, date(2020, 1, 10)), bmi(27.5, date(2026, 10, 2))

    assert concepts(screen(patient(new, old), STANDARD, ON)) == []
    assert screen(patient(old), STANDARD, ON).findings[0].evidence == (
        Evidence(old.resource, "39156-5", "Body mass index (BMI) [Ratio]: 32 kg/m2", old.codes),
    )


def test_a_beta_blocker_is_cardiac_medication_only_for_heart_disease():
    metoprolol = medication(
        "866412", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet"
    )
    heart = condition("414545008", "Ischemic heart disease (disorder)")

    assert concepts(screen(patient(metoprolol), STANDARD, ON)) == []
    assert concepts(screen(patient(metoprolol, heart), STANDARD, ON)) == ["cardiac-medication"]


def test_an_allergy_to_aspirin_is_no_aspirin_and_is_recognised():
    aspirin_allergy = allergy(RXNORM, "1191", "Aspirin")

    screening = screen(patient(aspirin_allergy), STANDARD, ON)

    assert (screening.findings, screening.unrecognised) == ((), ())


def test_a_record_is_mapped_known_not_to_matter_or_not_recognised():
    employment = condition("160903007", "Full-time employment (finding)")
    lisinopril = medication("314076", "lisinopril 10 MG Oral Tablet")
    pollen = allergy(SNOMED, "782576004", "Tree pollen (substance)")

    screening = screen(
        patient(employment, typed(CONDITION, "Obese"), lisinopril, pollen), STANDARD, ON
    )

    assert screening.unrecognised == (lisinopril,)
    assert [(item.record, item.how.value) for item in screening.not_relevant] == [
        (employment, "not-relevant"),
        (pollen, "not-relevant"),
    ]
    assert (screening.verdict, concepts(screening)) == (Verdict.REVIEW, ["unrecognised", "obesity"])


def test_an_unrecognised_record_that_could_matter_holds_the_verdict_at_review_shown_first():
    epilepsy = condition("84757009", "Epilepsy (disorder)", status="resolved")
    stopped = medication("314076", "lisinopril 10 MG Oral Tablet", status="stopped")
    pressure = HistoryRecord(
        "Observation/bp", RecordKind.OBSERVATION, (Coding(LOINC, "85354-9", "Blood pressure"),)
    )
    pregnant = typed(CONDITION, "Pregnant")

    screening = screen(patient(epilepsy, stopped, pressure, pregnant), STANDARD, ON)

    assert screening.findings[0] == Finding(
        Concept.UNRECOGNISED,
        Severity.RELATIVE,
        (Evidence(epilepsy.resource, "84757009", "Epilepsy (disorder)", epilepsy.codes),),
        UNRECOGNISED_SOURCE,
    )
    assert (screening.verdict, concepts(screening)) == (
        Verdict.CONTRAINDICATED,
        ["unrecognised", "pregnancy"],
    )
    assert screening.unrecognised == (epilepsy, stopped)


def test_an_allergy_matched_to_an_ingredient_is_not_unrecognised():
    soy = allergy(SNOMED, "256355007", "Soy bean")

    with_formulation = screen(patient(soy), STANDARD, ON, (LIPOLYSIS,))
    without = screen(patient(soy), STANDARD, ON)

    assert (concepts(with_formulation), with_formulation.unrecognised) == (
        ["component-allergy"],
        (),
    )
    assert (concepts(without), without.unrecognised) == ([], ())


def test_a_record_counts_only_between_its_onset_and_its_end():
    later = typed(CONDITION, "Pregnant", onset=date(2026, 12, 1))
    ended = typed(MEDICATION, "Warfarin", ended=date(2026, 11, 20))
    ends_after = typed(MEDICATION, "Warfarin", ended=date(2026, 11, 22))

    assert concepts(screen(patient(later, ended), STANDARD, ON)) == []
    assert concepts(screen(patient(ends_after), STANDARD, ON)) == ["anticoagulant-therapy"]


def test_a_record_entered_in_error_never_counts():
    chart = patient(typed(CONDITION, "Pregnant", status="entered-in-error"))

    assert screen(chart, STANDARD, ON).findings == ()


def test_the_json_is_spec_contract_plus_what_screening_left_out():
    pregnancy = condition("72892002", "Normal pregnancy", onset=date(2026, 9, 1))
    unknown = typed(MEDICATION, "Fexofenadine 30 mg")
    pollen = allergy(SNOMED, "782576004", "Tree pollen (substance)")
    screening = screen(patient(pregnancy, unknown, pollen), load_protocol("ref-000"), ON)

    assert screening_to_json(screening, "pat-1") == {
        "patient": "pat-1",
        "on": "2026-11-21",
        "protocol": {"id": "ref-000", "version": 1},
        "verdict": "contraindicated",
        "findings": [
            {
                "concept": "unrecognised",
                "severity": "relative",
                "evidence": [
                    {
                        "resource": unknown.resource,
                        "code": "",
                        "display": "Fexofenadine 30 mg",
                        "codes": [],
                        "phrase": "",
                        "mapping": "",
                    }
                ],
                "source": UNRECOGNISED_SOURCE.to_json(),
            },
            {
                "concept": "pregnancy",
                "severity": "absolute",
                "evidence": [
                    {
                        "resource": pregnancy.resource,
                        "code": "72892002",
                        "display": "Normal pregnancy",
                        "codes": [
                            {"system": SNOMED, "code": "72892002", "display": "Normal pregnancy"}
                        ],
                        "phrase": "",
                        "mapping": "",
                    }
                ],
                "source": {
                    "document": "000_96536a4db124c435.txt",
                    "quote": "If you are pregnant or breastfeeding.",
                },
            },
        ],
        "preparation": [],
        "unrecognised": [
            {
                "resource": unknown.resource,
                "kind": "medication",
                "codes": [],
                "text": "Fexofenadine 30 mg",
                "holds_verdict": True,
            }
        ],
        "not_relevant": [
            {
                "resource": pollen.resource,
                "kind": "allergy",
                "codes": [
                    {"system": SNOMED, "code": "782576004", "display": "Tree pollen (substance)"}
                ],
                "text": "",
                "reason": value_sets().not_relevant["environmental-allergy"].reason,
            }
        ],
    }
