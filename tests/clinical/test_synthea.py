"""Screening the Synthea sample patients (real FHIR exports) under `standard`, end to end.

The FHIR app owns the real import; these tests read the NDJSON with the recognition set's
reader, which keeps every coding, reaction and status as FHIR wrote them.
"""

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from mesoclinic.clinical.facts import HistoryRecord, PatientFacts
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import Screening, screen
from tests.clinical.recognition_set import day, history_record
from tests.shared import FHIR_SAMPLES, needs_shared

ON = date(2026, 11, 21)
ANAPHYLAXIS = "39579001"
STANDARD = load_protocol("standard")


def sample_patients(name: str) -> dict[str, PatientFacts]:
    """Every patient of one sample set, by id, with every resource the set has for them."""
    folder: Path = FHIR_SAMPLES / name
    records: dict[str, list[HistoryRecord]] = defaultdict(list)
    for path in sorted(folder.glob("*.ndjson")):
        if path.name.startswith("Patient"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            subject = (resource.get("subject") or resource["patient"])["reference"]
            records[subject.split("/")[1]].append(history_record(resource))
    patients = {}
    for line in (folder / "Patient.000.ndjson").read_text(encoding="utf-8").splitlines():
        patient = json.loads(line)
        patients[patient["id"]] = PatientFacts(
            day(patient.get("birthDate")),
            "deceasedDateTime" in patient,
            tuple(records[patient["id"]]),
        )
    return patients


def screenings(name: str) -> dict[str, Screening]:
    return {pid: screen(facts, STANDARD, ON) for pid, facts in sample_patients(name).items()}


def concepts(screening: Screening) -> list[str]:
    return [finding.concept.value for finding in screening.findings]


@needs_shared
def test_every_sample_patient_gets_the_verdict_a_practitioner_would_expect():
    outcomes = {pid: (s.verdict.value, concepts(s)) for pid, s in screenings("synthea-10").items()}

    assert outcomes == {
        "129c6ac7-8d06-89de-ad63-0204a93e76c3": (
            "not-bookable",
            ["deceased", "unrecognised", "cardiac-medication", "active-infection", "obesity"],
        ),
        "3af3708d-41f1-cd80-f3dd-ec5ac76072bf": ("not-bookable", ["deceased", "unrecognised"]),
        "63ee2253-bdd5-da55-2ad2-b4984d0ad700": ("review", ["unrecognised", "minor"]),
        "6a4160eb-a793-2f86-2302-378626f46cce": (
            "contraindicated",
            ["unrecognised", "active-infection"],
        ),
        "79a66c97-6131-3213-f3c9-4606946ab056": (
            "not-bookable",
            [
                "deceased",
                "unrecognised",
                "insulin-dependent-diabetes",
                "cardiac-medication",
                "obesity",
                "immunosuppression",
            ],
        ),
        "7bc002fa-dc52-17d6-1563-fd8901826f7d": ("review", ["unrecognised", "obesity"]),
        # Anaemia, a facial laceration, fever and joint pain: for a practitioner to look at.
        "8e1a0a7c-e308-444b-075a-3c2b1f60f881": ("review", ["unrecognised"]),
        # Three resolved pregnancies and a miscarriage Synthea left "active": not pregnant; sleep
        # apnoea and a laceration are not recognised.
        "a4a401d1-a46a-eb4a-8a38-760d5d79d6ec": ("review", ["unrecognised"]),
        # A severe reaction recorded on an allergy: anaphylaxis history.
        "a5cb8ce9-cec6-6b23-0990-cbaf753578a4": (
            "contraindicated",
            ["unrecognised", "active-infection", "anaphylaxis-history"],
        ),
        "bb6a9034-2f23-2508-d29d-35efee156dc9": ("eligible", []),
        "ca15b832-01e4-41dd-6a52-97bd3e5510cb": ("review", ["unrecognised", "obesity"]),
        "cbc86e51-9eca-3855-76ec-c058f72c5761": (
            "review",
            ["unrecognised", "anaphylaxis-history", "latex-allergy"],
        ),
        "fb7c882a-f897-e7c5-67e0-825e7fd55d15": ("review", ["unrecognised", "obesity"]),
    }


def anaphylactic_allergies(facts: PatientFacts) -> set[str]:
    """The allergies whose recorded reaction is anaphylaxis."""
    return {
        record.resource
        for record in facts.records
        for reaction in record.reactions
        if any(coding.code == ANAPHYLAXIS for coding in reaction.codes)
    }


@needs_shared
def test_every_recorded_anaphylaxis_reaction_is_flagged():
    for name, patients_with_one in (("synthea-1000", 41), ("synthea-10", 1)):
        patients = sample_patients(name)
        recorded = {pid: anaphylactic_allergies(f) for pid, f in patients.items()}
        recorded = {pid: found for pid, found in recorded.items() if found}

        flagged = {}
        for pid in recorded:
            screening = screen(patients[pid], STANDARD, ON)
            finding = next(
                f for f in screening.findings if f.concept.value == "anaphylaxis-history"
            )
            flagged[pid] = {e.resource for e in finding.evidence}

        assert (name, len(recorded)) == (name, patients_with_one)
        missed = {pid: recorded[pid] - flagged[pid] for pid in recorded}
        assert missed == {pid: set() for pid in recorded}


def held_for_unrecognised_only(found: dict[str, Screening]) -> tuple[int, list[tuple[str, int]]]:
    """How many patients are at review only for records not recognised, and the 20 codes holding
    the most of them (ties by code)."""
    held = [
        s for s in found.values() if s.verdict.value == "review" and concepts(s) == ["unrecognised"]
    ]
    codes: Counter[str] = Counter()
    for screening in held:
        evidence = screening.findings[0].evidence
        codes.update({f"{e.code} {e.display}" for e in evidence})
    return len(held), sorted(codes.items(), key=lambda item: (-item[1], item[0]))[:20]


@needs_shared
def test_the_share_held_at_review_only_for_unrecognised_records(capsys):
    report = {}
    for name in ("synthea-10", "synthea-1000"):
        found = screenings(name)
        held, codes = held_for_unrecognised_only(found)
        report[name] = (len(found), held, codes)
        with capsys.disabled():
            print(f"\n{name}: {held} of {len(found)} patients ({held / len(found):.1%}) at review")
            print("  only for unrecognised records; the codes holding them, by patients:")
            for code, patients in codes:
                print(f"  {patients:4}  {code}")

    assert report["synthea-1000"] == (
        1144,
        56,
        [
            ("412071004 Wheat (substance)", 17),
            ("288328004 Bee venom (substance)", 15),
            ("735029006 Shellfish (substance)", 15),
            ("102263004 Eggs (edible) (substance)", 11),
            ("3718001 Cow's milk (substance)", 10),
            ("735971005 Fish (substance)", 10),
            ("762952008 Peanut (substance)", 10),
            ("442571000124108 Tree nut (substance)", 3),
        ],
    )
    assert report["synthea-10"][:2] == (13, 2)


@needs_shared
def test_social_findings_and_environmental_allergies_are_known_not_to_matter():
    screening = screenings("synthea-10")["a4a401d1-a46a-eb4a-8a38-760d5d79d6ec"]

    reasons = {item.record.codes[0].display: item.reason for item in screening.not_relevant}
    unrecognised = {record.codes[0].display for record in screening.unrecognised}
    assert {"Stress (finding)", "Full-time employment (finding)"} <= set(reasons)
    assert "Normal pregnancy" not in unrecognised | set(reasons)
    assert "Miscarriage in first trimester" not in unrecognised | set(reasons)
