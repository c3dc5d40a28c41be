"""Screening speed: synthetic patients screened under `standard`, in patients per second.

Run as `python bench/bench_screening.py [--patients 10000] [--runs 5] [--seed 2026]`. The patients
are generated from a fixed seed: coded and typed records, current and past, of every concept
`standard` names and of things no value set knows. Prints the median of the runs.

With `--recognition-set`, it also screens the recognition test set (tests/clinical/
recognition_set: FHIR patients in English, Serbian and Turkish with their expected findings)
and prints recall and precision per concept.
"""

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mesoclinic.clinical.facts import (
    ATC,
    LOINC,
    RXNORM,
    SNOMED,
    Coding,
    HistoryRecord,
    PatientFacts,
    RecordKind,
)
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import Product, screen

ROOT = Path(__file__).resolve().parents[1]
ON = date(2026, 11, 21)
CONDITION, MEDICATION = RecordKind.CONDITION, RecordKind.MEDICATION
ALLERGY, OBSERVATION = RecordKind.ALLERGY, RecordKind.OBSERVATION
PLAN = (Product("Revitalising cocktail", ("hyaluronic acid", "lidocaine", "vitamin C")),)


def coded(kind: RecordKind, system: str, code: str, display: str) -> HistoryRecord:
    return HistoryRecord("", kind, (Coding(system, code, display),))


def typed(kind: RecordKind, text: str) -> HistoryRecord:
    return HistoryRecord("", kind, text=text)


# What charts hold: mostly things no rule names, some that every protocol cares about.
TEMPLATES = [
    coded(CONDITION, SNOMED, "160903007", "Full-time employment (finding)"),
    coded(CONDITION, SNOMED, "73595000", "Stress (finding)"),
    coded(CONDITION, SNOMED, "59621000", "Essential hypertension (disorder)"),
    coded(CONDITION, SNOMED, "444814009", "Viral sinusitis (disorder)"),
    coded(CONDITION, SNOMED, "15777000", "Prediabetes"),
    coded(CONDITION, SNOMED, "44054006", "Diabetes mellitus type 2 (disorder)"),
    coded(CONDITION, SNOMED, "72892002", "Normal pregnancy"),
    coded(CONDITION, SNOMED, "19169002", "Miscarriage in first trimester"),
    coded(CONDITION, SNOMED, "162864005", "Body mass index 30+ - obesity (finding)"),
    coded(CONDITION, SNOMED, "414545008", "Ischemic heart disease (disorder)"),
    coded(MEDICATION, RXNORM, "314076", "lisinopril 10 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "310965", "Ibuprofen 200 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "849574", "Naproxen sodium 220 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "860975", "24 HR Metformin hydrochloride 500 MG Extended Release"),
    coded(MEDICATION, RXNORM, "106892", "insulin isophane, human 70 UNT/ML [Humulin]"),
    coded(MEDICATION, RXNORM, "866412", "24 HR metoprolol succinate 100 MG Extended Release"),
    coded(MEDICATION, ATC, "B01AF02", "apixaban"),
    coded(ALLERGY, SNOMED, "111088007", "Latex (substance)"),
    coded(ALLERGY, SNOMED, "782576004", "Tree pollen (substance)"),
    coded(ALLERGY, RXNORM, "1191", "Aspirin"),
    typed(CONDITION, "Not pregnant"),
    typed(CONDITION, "Family history of stroke"),
    typed(CONDITION, "Cold sore on the upper lip"),
    typed(MEDICATION, "Vitamin E 400 IU daily"),
    typed(MEDICATION, "Ginkgo biloba supplement"),
    typed(ALLERGY, "Lidocaine"),
    HistoryRecord("", OBSERVATION, (Coding(LOINC, "39156-5", "BMI"),), value=27.0, unit="kg/m2"),
]
STATUSES = ["active"] * 6 + ["resolved", "stopped", "inactive", "completed"]


def synthetic_patient(rng: random.Random, number: int) -> PatientFacts:
    """One patient: an age from 15 to 85 and 3 to 25 records, each its own resource."""
    records = []
    for index in range(rng.randint(3, 25)):
        template = rng.choice(TEMPLATES)
        onset = ON - timedelta(days=rng.randint(0, 20 * 365))
        records.append(
            replace(
                template,
                resource=f"Record/{number}-{index}",
                status=rng.choice(STATUSES),
                onset=onset,
                value=template.value if template.value is None else rng.uniform(18, 40),
            )
        )
    born = ON - timedelta(days=rng.randint(15 * 365, 85 * 365))
    return PatientFacts(born, deceased=rng.random() < 0.01, records=tuple(records))


def patients_per_second(patients: list[PatientFacts]) -> float:
    """One run: every patient screened once."""
    standard = load_protocol("standard")
    started = time.perf_counter()
    for facts in patients:
        screen(facts, standard, ON, PLAN)
    return len(patients) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--recognition-set", action="store_true")
    options = parser.parse_args()

    rng = random.Random(options.seed)
    patients = [synthetic_patient(rng, number) for number in range(options.patients)]
    records = sum(len(facts.records) for facts in patients)
    rates = [patients_per_second(patients) for _ in range(options.runs)]
    print(
        f"screen under standard: {options.patients:,} patients ({records:,} records), "
        f"median of {options.runs} runs: {statistics.median(rates):,.0f} patients/s"
    )
    if options.recognition_set:
        print_recognition_set()


def print_recognition_set() -> None:
    """Recall and precision per concept on the recognition test set, and its screening time."""
    sys.path.insert(0, str(ROOT))
    from tests.clinical.recognition_set import expected, outcomes, scores, scores_table

    started = time.perf_counter()
    found = outcomes()
    took = time.perf_counter() - started
    print(f"recognition set: {len(expected()['patients'])} patients screened in {took:.2f} s")
    print(scores_table(scores(found)))


if __name__ == "__main__":
    main()
