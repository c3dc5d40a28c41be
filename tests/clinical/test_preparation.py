"""Preparation: dated steps before a session, personalised from the patient's medicines."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mesoclinic.clinical.facts import ATC, Coding, HistoryRecord, RecordKind
from mesoclinic.clinical.preparation import PreparationStep, preparation_steps, step_to_json
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.sources import PRESCRIBER_SOURCE
from tests.clinical.builders import allergy, medication, patient, typed

PARIS = ZoneInfo("Europe/Paris")
SATURDAY = datetime(2026, 11, 21, 10, 30, tzinfo=PARIS)
STANDARD = load_protocol("standard")
IBUPROFEN = medication("310965", "Ibuprofen 200 MG Oral Tablet")


def summary(steps: list[PreparationStep]) -> list[tuple[str, str, str]]:
    return [(step.concept, step.instruction, step.from_.isoformat()) for step in steps]


def test_standard_preparation_for_a_patient_taking_ibuprofen():
    steps = preparation_steps(patient(IBUPROFEN), STANDARD, SATURDAY)

    assert summary(steps) == [
        (
            "nsaid-or-aspirin",
            "Stop taking ibuprofen from Mon 16 Nov until after your treatment: it raises the "
            "risk of bleeding and bruising.",
            "2026-11-16T00:00:00+01:00",
        ),
        (
            "alcohol",
            "No alcohol from Wed 18 Nov until after your treatment.",
            "2026-11-18T00:00:00+01:00",
        ),
        ("caffeine", "Cut down on caffeine from Fri 20 Nov 10:30.", "2026-11-20T10:30:00+01:00"),
        (
            "always",
            "On the morning of your treatment, wash the area with an antibacterial soap.",
            "2026-11-21T00:00:00+01:00",
        ),
        (
            "always",
            "Do not put lotions, creams, bath oils or sprays on the area.",
            "2026-11-21T00:00:00+01:00",
        ),
        (
            "always",
            "Eat a light, high-protein meal or bar (30 g of protein or more) before your "
            "treatment.",
            "2026-11-21T00:00:00+01:00",
        ),
        ("always", "Drink plenty of water before your session.", "2026-11-21T00:00:00+01:00"),
        (
            "always",
            "A numbing cream may be put on the area at the start of your session, if you need it.",
            "2026-11-21T00:00:00+01:00",
        ),
    ]
    assert {step.until for step in steps} == {SATURDAY}
    rules = {rule.id: rule for rule in STANDARD.preparation}
    assert steps[0].source == rules["pause-nsaids"].source


def test_the_instruction_names_every_drug_the_patient_takes():
    chart = patient(
        medication("849574", "Naproxen sodium 220 MG Oral Tablet"),
        typed(RecordKind.MEDICATION, "Aspirin 500 mg as needed"),
        typed(RecordKind.MEDICATION, "Vitamin E 400 UNT"),
        typed(RecordKind.MEDICATION, "Ginkgo biloba 120 mg"),
    )

    concerned = [s for s in preparation_steps(chart, STANDARD, SATURDAY) if s.concept != "always"]

    assert summary(concerned)[:3] == [
        (
            "ginkgo-or-willow-bark",
            "Stop taking ginkgo biloba from Wed 11 Nov until after your treatment: it raises the "
            "risk of bruising.",
            "2026-11-11T00:00:00+01:00",
        ),
        (
            "vitamin-e",
            "Stop taking vitamin E from Mon 16 Nov until after your treatment: it raises the risk "
            "of bruising.",
            "2026-11-16T00:00:00+01:00",
        ),
        (
            "nsaid-or-aspirin",
            "Stop taking naproxen and aspirin from Mon 16 Nov until after your treatment: it "
            "raises the risk of bleeding and bruising.",
            "2026-11-16T00:00:00+01:00",
        ),
    ]


def test_a_prescribed_blood_thinner_or_heart_medicine_is_never_stopped_ask_the_prescriber():
    chart = patient(
        medication("243670", "Aspirin 81 MG Oral Tablet"),
        typed(RecordKind.MEDICATION, "Warfarin 5 mg"),
        typed(RecordKind.MEDICATION, "Digoxin 125 micrograms"),
        IBUPROFEN,
    )

    concerned = [s for s in preparation_steps(chart, STANDARD, SATURDAY) if s.concept != "always"]

    assert [(s.rule, s.concept, s.instruction, s.from_.isoformat()) for s in concerned][:3] == [
        (
            "ask-prescriber",
            "anticoagulant-therapy",
            "Do not stop taking aspirin 81 mg and warfarin on your own: from Sat 14 Nov, ask the "
            "doctor who prescribed them whether to pause them before your treatment on Sat 21 "
            "Nov.",
            "2026-11-14T00:00:00+01:00",
        ),
        (
            "ask-prescriber",
            "cardiac-medication",
            "Do not stop taking digoxin on your own: from Sat 14 Nov, ask the doctor who "
            "prescribed it whether to pause it before your treatment on Sat 21 Nov.",
            "2026-11-14T00:00:00+01:00",
        ),
        (
            "pause-nsaids",
            "nsaid-or-aspirin",
            "Stop taking ibuprofen from Mon 16 Nov until after your treatment: it raises the "
            "risk of bleeding and bruising.",
            "2026-11-16T00:00:00+01:00",
        ),
    ]
    assert concerned[0].source == PRESCRIBER_SOURCE


def test_aspirin_coded_as_an_antiplatelet_is_never_in_a_stop_step():
    chart = patient(
        HistoryRecord(
            "MedicationStatement/asa", RecordKind.MEDICATION, (Coding(ATC, "B01AC06", ""),)
        )
    )

    rules = [s.rule for s in preparation_steps(chart, STANDARD, SATURDAY) if s.concept != "always"]

    assert "pause-nsaids" not in rules
    assert rules[0] == "ask-prescriber"


def test_numbing_cream_is_never_offered_to_a_patient_allergic_to_local_anaesthetics():
    allergic = patient(typed(RecordKind.ALLERGY, "Allergic to local anaesthetics"))
    denied = patient(typed(RecordKind.ALLERGY, "No allergy to local anaesthetics"))

    def offered(chart):
        return "numbing-cream" in [s.rule for s in preparation_steps(chart, STANDARD, SATURDAY)]

    assert (offered(allergic), offered(denied), offered(patient())) == (False, True, True)


def test_a_medicine_step_is_only_for_a_patient_who_takes_it_now():
    stopped = medication("310965", "Ibuprofen 200 MG Oral Tablet", status="stopped")
    aspirin_allergy = allergy("http://www.nlm.nih.gov/research/umls/rxnorm", "1191", "Aspirin")

    for chart in (patient(), patient(stopped), patient(aspirin_allergy)):
        concepts = {step.concept for step in preparation_steps(chart, STANDARD, SATURDAY)}
        assert concepts == {"alcohol", "caffeine", "always"}


def test_a_stimulant_is_paused_on_the_day_itself():
    chart = patient(typed(RecordKind.MEDICATION, "Methylphenidate 10 mg tablet"))

    steps = [s for s in preparation_steps(chart, STANDARD, SATURDAY) if s.concept == "stimulant"]

    assert summary(steps) == [
        (
            "stimulant",
            "Do not take methylphenidate on the day of your treatment, Sat 21 Nov.",
            "2026-11-21T00:00:00+01:00",
        )
    ]


@pytest.mark.parametrize(
    ("areas", "arnica"),
    [(None, False), (["face"], False), (["face", "abdomen"], True), (["hands"], True)],
)
def test_arnica_is_for_areas_other_than_the_face(areas, arnica):
    steps = preparation_steps(patient(), STANDARD, SATURDAY, areas=areas)

    assert any("arnica" in step.instruction for step in steps) is arnica


def test_a_prescription_item_appears_only_once_a_prescriber_adds_it():
    plain = preparation_steps(patient(), STANDARD, SATURDAY, areas=["face"])
    prescribed = preparation_steps(
        patient(), STANDARD, SATURDAY, areas=["face"], prescribed={"steroid-pack"}
    )

    assert not any("Medrol" in step.instruction for step in plain)
    assert summary([s for s in prescribed if "Medrol" in s.instruction]) == [
        (
            "always",
            "Start your Medrol dose pack on Wed 18 Nov, as prescribed.",
            "2026-11-18T00:00:00+01:00",
        )
    ]


def test_day_windows_start_at_midnight_and_hour_windows_are_exact_across_a_clock_change():
    sunday = datetime(2026, 3, 29, 11, 0, tzinfo=PARIS)  # clocks went forward at 02:00 that day

    steps = {s.concept: s for s in preparation_steps(patient(IBUPROFEN), STANDARD, sunday)}

    assert steps["nsaid-or-aspirin"].from_.isoformat() == "2026-03-24T00:00:00+01:00"
    assert steps["caffeine"].from_.isoformat() == "2026-03-28T10:00:00+01:00"
    assert sunday.timestamp() - steps["caffeine"].from_.timestamp() == 24 * 3600


def test_a_naive_appointment_time_is_refused():
    naive = datetime(2026, 11, 21, 10, 30)  # noqa: DTZ001 -- the refusal of a naive time is tested
    with pytest.raises(ValueError, match="The appointment start must include a timezone offset"):
        preparation_steps(patient(), STANDARD, naive)


def test_a_step_as_json_has_exact_datetimes_with_their_offset():
    step = preparation_steps(patient(IBUPROFEN), load_protocol("ref-001"), SATURDAY)[0]

    assert step_to_json(step) == {
        "instruction": "Do not take ibuprofen from Thu 19 Nov until after your session: it raises "
        "the risk of bleeding and bruising.",
        "concept": "nsaid-or-aspirin",
        "from": "2026-11-19T00:00:00+01:00",
        "until": "2026-11-21T10:30:00+01:00",
        "source": {
            "document": "001_4ae6d9decc41d151.txt",
            "quote": "If you take any painkillers or anti-inflammatory medications, such as "
            "aspirin or ibuprofen, you should exclude them from use for a couple of days as "
            "they increase the risk of bleeding and bruising.",
        },
    }
