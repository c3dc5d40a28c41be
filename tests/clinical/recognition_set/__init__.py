"""The recognition test set: FHIR R4 patients and what screening must say about each.

`patients()` reads the NDJSON files into the clinical core's facts (every coding, every
reaction, every status, as FHIR wrote them); `outcomes()` screens them and `scores()` gives
per-concept recall and precision against `expected.json`. The FHIR app's importer reads the
same files in its own tests.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mesoclinic.clinical.facts import Coding, HistoryRecord, PatientFacts, Reaction, RecordKind
from mesoclinic.clinical.preparation import ASK_PRESCRIBER, preparation_steps
from mesoclinic.clinical.protocols import Applies, load_protocol
from mesoclinic.clinical.screening import Product, screen
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught

HERE = Path(__file__).parent
KINDS = {
    "Condition": RecordKind.CONDITION,
    "MedicationStatement": RecordKind.MEDICATION,
    "MedicationRequest": RecordKind.MEDICATION,
    "AllergyIntolerance": RecordKind.ALLERGY,
    "Observation": RecordKind.OBSERVATION,
}
NUMBING_CREAM = "numbing-cream"


def expected() -> dict[str, Any]:
    """The expectations document, as written before the screening ran."""
    return json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def codings(concept: dict | None) -> tuple[Coding, ...]:
    return tuple(
        Coding(c.get("system", ""), c["code"], c.get("display", ""))
        for c in (concept or {}).get("coding", [])
        if c.get("code")
    )


def status_code(concept: dict | None) -> str:
    found = codings(concept)
    return found[0].code if found else ""


def day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def history_record(resource: dict) -> HistoryRecord:
    """One FHIR resource as a history record, every coding and reaction kept."""
    kind = KINDS[resource["resourceType"]]
    concept = resource.get("code") or resource.get("medicationCodeableConcept") or {}
    text = concept.get("text", "") or resource.get("valueString", "")
    status = resource.get("status") or status_code(resource.get("clinicalStatus"))
    return HistoryRecord(
        resource=f"{resource['resourceType']}/{resource['id']}",
        kind=kind,
        codes=codings(concept) + codings(resource.get("valueCodeableConcept")),
        text=text,
        status=status,
        verification=status_code(resource.get("verificationStatus")),
        onset=day(
            resource.get("onsetDateTime")
            or resource.get("effectiveDateTime")
            or resource.get("authoredOn")
        ),
        ended=day(resource.get("abatementDateTime")),
        value=resource.get("valueQuantity", {}).get("value"),
        unit=resource.get("valueQuantity", {}).get("unit", ""),
        reactions=tuple(
            Reaction(codings(m), m.get("text", ""), r.get("severity", ""))
            for r in resource.get("reaction", [])
            for m in r.get("manifestation", [])
        ),
    )


def patients(folder: Path = HERE) -> dict[str, PatientFacts]:
    """Every patient of the set, by id, with their records in file order."""
    records: dict[str, list[HistoryRecord]] = defaultdict(list)
    for resource_type in KINDS:
        path = folder / f"{resource_type}.ndjson"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            subject = (resource.get("subject") or resource["patient"])["reference"]
            records[subject.split("/")[1]].append(history_record(resource))
    found = {}
    for line in (folder / "Patient.ndjson").read_text(encoding="utf-8").splitlines():
        patient = json.loads(line)
        found[patient["id"]] = PatientFacts(
            day(patient.get("birthDate")), False, tuple(records[patient["id"]])
        )
    return found


def plan_products(plan: list[dict]) -> tuple[Product, ...]:
    return tuple(
        Product(
            product["name"],
            tuple(
                Coding(i["system"], i["code"], i["display"]) if isinstance(i, dict) else i
                for i in product["ingredients"]
            ),
        )
        for product in plan
    )


@dataclass(frozen=True)
class Outcome:
    """What screening said about one patient, in the terms of `expected.json`."""

    verdict: str
    findings: list[str]
    unrecognised: list[str]
    steps: list[str]
    numbing_cream: bool

    def as_expected(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "findings": self.findings,
            "unrecognised": self.unrecognised,
            "steps": self.steps,
            "numbing_cream": self.numbing_cream,
        }


def outcomes(taught: Taught = NOTHING_TAUGHT) -> dict[str, Outcome]:
    """Each patient of the set screened as `expected.json` says: protocol, day, session, plan."""
    document = expected()
    protocol = load_protocol(document["protocol"])
    on = date.fromisoformat(document["on"])
    session = datetime.fromisoformat(document["session"])
    facts = patients()
    # The steps a patient gets for what they take, not the ones everybody gets.
    personal = {r.id for r in protocol.preparation if r.applies is Applies.IF_RECORDED}
    personal.add(ASK_PRESCRIBER)
    found = {}
    for case in document["patients"]:
        patient = facts[case["patient"]]
        products = plan_products(document["plans"][case["plan"]]) if case["plan"] else ()
        screening = screen(patient, protocol, on, products, taught)
        steps = preparation_steps(patient, protocol, session, taught=taught)
        held = next((f for f in screening.findings if f.concept.value == "unrecognised"), None)
        found[case["patient"]] = Outcome(
            verdict=screening.verdict.value,
            findings=sorted(f.concept.value for f in screening.findings),
            unrecognised=[e.resource for e in held.evidence] if held else [],
            steps=sorted({s.rule for s in steps} & personal),
            numbing_cream=any(s.rule == NUMBING_CREAM for s in steps),
        )
    return found


@dataclass(frozen=True)
class Score:
    """Recall and precision of one concept over the set's patients."""

    concept: str
    expected: int
    found: int
    right: int

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


def labels(case: dict[str, Any]) -> set[str]:
    """What a patient is expected, or found, to have: findings, personal steps, no numbing cream."""
    found = {*case["findings"], *case["steps"]}
    if not case["numbing_cream"]:
        found.add("no-numbing-cream")
    return found


def scores(found: dict[str, Outcome]) -> list[Score]:
    """Per concept: how many patients should have it, were found with it, and rightly so."""
    wanted = {case["patient"]: labels(case) for case in expected()["patients"]}
    got = {patient: labels(outcome.as_expected()) for patient, outcome in found.items()}
    concepts = sorted(set().union(*wanted.values(), *got.values()))
    return [
        Score(
            concept,
            sum(concept in wanted[p] for p in wanted),
            sum(concept in got[p] for p in got),
            sum(concept in wanted[p] and concept in got[p] for p in wanted),
        )
        for concept in concepts
    ]


def scores_table(table: list[Score]) -> str:
    """The scores as a plain-text table, one concept a line."""
    lines = [f"{'concept':30} {'patients':>8} {'found':>6} {'recall':>7} {'precision':>9}"]
    lines += [
        f"{s.concept:30} {s.expected:>8} {s.found:>6} {s.recall:>7.0%} {s.precision:>9.0%}"
        for s in table
    ]
    return "\n".join(lines)
