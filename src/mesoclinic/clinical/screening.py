"""Suitability screening: a patient's history against a protocol, with a verdict and its reasons."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mesoclinic.clinical.allergies import Formulation, allergies_to, component_allergy_evidence
from mesoclinic.clinical.concepts import NARROWER, Concept, Severity, Verdict
from mesoclinic.clinical.facts import Coding, HistoryRecord, PatientFacts
from mesoclinic.clinical.history import Evidence, concepts_on
from mesoclinic.clinical.preparation import PreparationStep, step_to_json
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.clinical.recognition import read_record
from mesoclinic.clinical.sources import DECEASED_SOURCE, Source

__all__ = [
    "Evidence",
    "Finding",
    "Formulation",
    "Screening",
    "screen",
    "screening_to_json",
]

ADULT_AGE = 18


@dataclass(frozen=True)
class Finding:
    """One concept found, how strongly it speaks against treatment, and why."""

    concept: Concept
    severity: Severity
    evidence: tuple[Evidence, ...]
    source: Source


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one patient against one protocol version on one day."""

    protocol_id: str
    protocol_version: int
    on: date
    verdict: Verdict
    findings: tuple[Finding, ...]
    unrecognised: tuple[HistoryRecord, ...]


def screen(
    facts: PatientFacts, protocol: Protocol, on: date, formulation: Formulation | None = None
) -> Screening:
    """Screen `facts` against `protocol` for a treatment on `on`, with the planned formulation."""
    allergic = allergies_to(facts.records, formulation) if formulation else []
    present = _present(facts, on, formulation, allergic)
    findings = _findings(present, protocol)
    if facts.deceased:
        findings = (_deceased_finding(), *findings)
    return Screening(
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        on=on,
        verdict=_verdict(findings, facts.deceased),
        findings=findings,
        unrecognised=_unrecognised(facts, [record for record, _ in allergic]),
    )


def _present(
    facts: PatientFacts,
    on: date,
    formulation: Formulation | None,
    allergic: list[tuple[HistoryRecord, Coding | str]],
) -> dict[Concept, tuple[Evidence, ...]]:
    present = {
        concept: tuple(sign.evidence() for sign in signs)
        for concept, signs in concepts_on(facts, on).items()
    }
    if formulation is not None:
        allergies = component_allergy_evidence(allergic, on, formulation)
        if allergies:
            present[Concept.COMPONENT_ALLERGY] = tuple(allergies)
    if facts.birth_date is not None and age_on(facts.birth_date, on) < ADULT_AGE:
        present[Concept.MINOR] = (_minor_evidence(facts.birth_date, on),)
    return present


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on `on` (born on 29 February: a year older on 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _minor_evidence(birth_date: date, on: date) -> Evidence:
    age = age_on(birth_date, on)
    shown = f"Born {birth_date.isoformat()}: {age} years old on {on.isoformat()}"
    return Evidence("Patient", "birthDate", shown)


def _findings(
    present: dict[Concept, tuple[Evidence, ...]], protocol: Protocol
) -> tuple[Finding, ...]:
    findings = [
        Finding(rule.concept, rule.severity, present[rule.concept], rule.source)
        for rule in protocol.contraindications
        if rule.concept in present
    ]
    found = {finding.concept for finding in findings}
    # "Diabetes" gives way to "insulin-dependent diabetes" when the protocol names both.
    findings = [f for f in findings if NARROWER.get(f.concept) not in found]
    return tuple(sorted(findings, key=lambda finding: finding.severity.rank))


def _deceased_finding() -> Finding:
    shown = Evidence("Patient", "deceased", "The record says the patient has died")
    return Finding(Concept.DECEASED, Severity.ABSOLUTE, (shown,), DECEASED_SOURCE)


def _verdict(findings: Sequence[Finding], deceased: bool) -> Verdict:
    severities = {finding.severity for finding in findings}
    if deceased:
        return Verdict.NOT_BOOKABLE
    if Severity.ABSOLUTE in severities:
        return Verdict.CONTRAINDICATED
    if Severity.RELATIVE in severities:
        return Verdict.REVIEW
    return Verdict.ELIGIBLE


def _unrecognised(facts: PatientFacts, allergic: list[HistoryRecord]) -> tuple[HistoryRecord, ...]:
    """Records no value set knows, kept to be shown (an allergy to an ingredient is known)."""
    return tuple(
        record
        for record in facts.records
        if not read_record(record) and all(record is not known for known in allergic)
    )


def screening_to_json(
    screening: Screening, patient_id: str, preparation: Sequence[PreparationStep] = ()
) -> dict[str, Any]:
    """The screening as `mesoclinic screen --json` prints it (SPEC.md), plus the unrecognised."""
    return {
        "patient": patient_id,
        "on": screening.on.isoformat(),
        "protocol": {"id": screening.protocol_id, "version": screening.protocol_version},
        "verdict": screening.verdict.value,
        "findings": [_finding_json(finding) for finding in screening.findings],
        "preparation": [step_to_json(step) for step in preparation],
        "unrecognised": [_record_json(record) for record in screening.unrecognised],
    }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "concept": finding.concept.value,
        "severity": finding.severity.value,
        "evidence": [evidence.to_json() for evidence in finding.evidence],
        "source": finding.source.to_json(),
    }


def _record_json(record: HistoryRecord) -> dict[str, Any]:
    return {
        "resource": record.resource,
        "kind": record.kind.value,
        "codes": [{"system": c.system, "code": c.code, "display": c.display} for c in record.codes],
        "text": record.text,
    }
