"""Suitability screening: a patient's history against a protocol, with a verdict and its reasons.

Eligible means nothing that could matter was left unrecognised: a condition (any status), a
medicine taken now or an allergy held now that no value set and no mapping of the clinic
recognises holds the verdict at review at least, as the first finding (issue 9).
"""

from calendar import isleap
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache, partial
from typing import Any, NamedTuple, cast

from mesoclinic.clinical.allergies import (
    Formulation,
    Match,
    Product,
    allergy_display,
    first_match,
    shown_allergy,
)
from mesoclinic.clinical.concepts import (
    Concept,
    Meaning,
    Severity,
    Verdict,
    meanings_showing,
)
from mesoclinic.clinical.facts import HistoryRecord, PatientFacts, RecordKind
from mesoclinic.clinical.history import (
    Evidence,
    Profile,
    Profiles,
    Sign,
    add_concepts,
    add_shown,
    answered,
    evidence_from,
    exists_on,
    holds_on,
    profiles,
    superseded,
)
from mesoclinic.clinical.preparation import PreparationStep, step_to_json
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.clinical.recognition import Understanding, Understood
from mesoclinic.clinical.sources import DECEASED_SOURCE, UNRECOGNISED_SOURCE, Source
from mesoclinic.clinical.statuses import Standing
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught

__all__ = [
    "Evidence",
    "Finding",
    "Formulation",
    "Product",
    "Screening",
    "holds_the_verdict",
    "screen",
    "screening_to_json",
]

ADULT_AGE = 18
CONDITION, ALLERGY, OBSERVATION = RecordKind.CONDITION, RecordKind.ALLERGY, RecordKind.OBSERVATION
NEVER, CURRENT = Standing.NEVER, Standing.CURRENT
MAPPED, NOT_RELEVANT = Understanding.MAPPED, Understanding.NOT_RELEVANT
UNRECOGNISED = Understanding.UNRECOGNISED
# Every screening reads these: a member named on its enum class is looked up through the metaclass.
ABSOLUTE, RELATIVE = Severity.ABSOLUTE, Severity.RELATIVE
ELIGIBLE, REVIEW, CONTRAINDICATED = Verdict.ELIGIBLE, Verdict.REVIEW, Verdict.CONTRAINDICATED
# Where a profile remembers the last plan an allergy was matched against, and the match.
_PLAN = "planned products"


class Finding(NamedTuple):
    """One concept found, how strongly it speaks against treatment, and why: a tuple, built in C."""

    concept: Concept
    severity: Severity
    evidence: tuple[Evidence, ...]
    source: Source


class Screening(NamedTuple):
    """The outcome of screening one patient against one protocol version on one day.

    `unrecognised` lists every record no value set or mapping recognised (those that could
    matter are also the `unrecognised` finding); `not_relevant` the records known not to matter.
    A named tuple, like its findings: one is made per patient screened.
    """

    protocol_id: str
    protocol_version: int
    on: date
    verdict: Verdict
    findings: tuple[Finding, ...]
    unrecognised: tuple[HistoryRecord, ...]
    not_relevant: tuple[Understood, ...] = ()


# A finding or a record understood, from all its fields in order, made in C as `history.sign_from`
# makes signs: calling the class runs a Python __new__ for each.
_finding_from = cast(
    Callable[[tuple[Concept, Severity, tuple[Evidence, ...], Source]], Finding],
    partial(tuple.__new__, Finding),
)
_understood_from = cast(
    Callable[[tuple[HistoryRecord, Understanding, str]], Understood],
    partial(tuple.__new__, Understood),
)


def screen(
    facts: PatientFacts,
    protocol: Protocol,
    on: date,
    products: Sequence[Product] = (),
    taught: Taught = NOTHING_TAUGHT,
) -> Screening:
    """Screen `facts` under `protocol` for a treatment on `on` with the plan's `products`."""
    walk = _Walk(on, tuple(products), taught, _profiles(taught, protocol.concepts))
    walk.read(facts.records)
    signs = walk.signs()
    add_concepts(signs)
    findings = _findings(signs, _noted_evidence(facts, on, walk.allergies), protocol)
    if walk.held:
        findings = (_held_finding(tuple(walk.held)), *findings)
    if facts.deceased:
        findings = (_deceased_finding(), *findings)
    return Screening(
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        on=on,
        verdict=_verdict(findings, facts.deceased),
        findings=findings,
        unrecognised=tuple(walk.unrecognised),
        not_relevant=tuple(walk.not_relevant),
    )


class _Walk:
    """One pass over a patient's records: each is looked up once in the profiles of what records
    mean (`history.Profiles`), its statuses and dates are read once, and its signs noted then."""

    def __init__(
        self, on: date, products: tuple[Product, ...], taught: Taught, table: Profiles
    ) -> None:
        self.on = on
        self.products = products
        self.taught = taught
        self.table = table
        self.unrecognised: list[HistoryRecord] = []
        self.held: list[Evidence] = []  # the unrecognised records that hold the verdict
        self.not_relevant: list[Understood] = []
        self.allergies: list[Evidence] = []
        self.latest: dict[str, date] = {}
        self.answers: list[tuple[HistoryRecord, Profile]] = []
        # A plain dict (`add_shown` sets each list by default): making a defaultdict costs more.
        self.shown: dict[Meaning, list[Sign]] = {}

    def read(self, records: Sequence[HistoryRecord]) -> None:
        """Read every record: whether it was understood, allergic to the plan, or a sign.

        The hot loop of screening, so what it reads of the walk is held in locals; a record whose
        content was seen before costs one lookup, and one more step when it can say something.
        """
        table, on, shown, noted = self.table, self.on, self.shown, self._noted
        known = table.by_content
        for record in records:
            key = (record.kind, record.codes, record.text, record.reactions)
            profile = known.get(key)
            if not isinstance(profile, Profile):
                profile = table.resolved(key, profile, record)
            if profile.inert:
                continue  # understood, and nothing it says can be a finding
            standing = profile.standing(record)
            onset = record.onset
            exists = standing is not NEVER and (onset is None or onset <= on)
            if profile.notable:
                noted(record, profile, exists, standing)
            if not exists:
                continue
            if profile.question is not None:
                answered(self.latest, profile.question, record)
                self.answers.append((record, profile))
            candidates = profile.held[standing]
            if candidates:
                add_shown(shown, record, candidates, standing, on)

    def _noted(
        self, record: HistoryRecord, profile: Profile, exists: bool, standing: Standing
    ) -> None:
        """Note an allergy to the plan, or a record not recognised or not relevant."""
        if self.products and record.kind is ALLERGY and self._allergic(record, profile, standing):
            return  # an allergy to a planned product is the component-allergy finding alone
        if profile.how is UNRECOGNISED:
            self._unrecognised(record, profile, exists, standing)
        elif profile.how is NOT_RELEVANT:
            self.not_relevant.append(_understood_from((record, NOT_RELEVANT, profile.reason)))

    def _current(self, record: HistoryRecord, standing: Standing) -> bool:
        ended = record.ended
        return standing is CURRENT and (ended is None or ended > self.on)

    def _allergic(self, record: HistoryRecord, profile: Profile, standing: Standing) -> bool:
        """Whether the allergy meets a planned product; a current one is the finding's evidence."""
        met = cast("_Met | None", profile.memo.get(_PLAN))
        if met is None or (met[0] is not self.products and met[0] != self.products):
            met = profile.memo[_PLAN] = _met(record, self.products, self.taught)
        _, match, display = met
        if match is not None and self._current(record, standing) and _begun(record, self.on):
            self.allergies.append(shown_allergy(record, display))
        return match is not None

    def _unrecognised(
        self, record: HistoryRecord, profile: Profile, exists: bool, standing: Standing
    ) -> None:
        """Note a record not recognised, and whether it holds the verdict."""
        self.unrecognised.append(record)
        # As `holds_the_verdict` says: any condition; a medicine or allergy held on the day.
        kind = record.kind
        if exists and (
            kind is CONDITION or (kind is not OBSERVATION and self._current(record, standing))
        ):
            self.held.append(_unrecognised_evidence(record, profile.name))

    def signs(self) -> dict[Meaning, list[Sign]]:
        """The signs the records show on the day: of a question, only its latest answers."""
        latest = self.latest
        if len(self.answers) <= len(latest):
            return self.shown  # each question answered once at most: no answer replaced another
        replaced = {id(r) for r, profile in self.answers if superseded(r, profile, latest)}
        if not replaced:
            return self.shown
        kept = {
            meaning: [sign for sign in signs if id(sign.record) not in replaced]
            for meaning, signs in self.shown.items()
        }
        return {meaning: signs for meaning, signs in kept.items() if signs}


@lru_cache(maxsize=64)
def _profiles(taught: Taught, named: frozenset[Concept]) -> Profiles:
    """The profiles a protocol naming `named` reads records with: signs of what makes those."""
    return profiles(taught, meanings_showing(named))


def _begun(record: HistoryRecord, on: date) -> bool:
    return record.onset is None or record.onset <= on


# What an allergy's content meets of a plan, and what its evidence then says, remembered by
# its profile for the last plan.
_Met = tuple[tuple[Product, ...], Match, str]


def _met(record: HistoryRecord, products: tuple[Product, ...], taught: Taught) -> _Met:
    """The first planned ingredient an allergy meets, and what its evidence says."""
    match = first_match(record, products, taught)
    return products, match, allergy_display(record, *match) if match is not None else ""


def holds_the_verdict(record: HistoryRecord, on: date) -> bool:
    """Whether an unrecognised record could matter, and so keeps the verdict from "eligible".

    A condition in any status (a resolved one may be a past stroke), a medicine taken on the
    day, an allergy held on the day; never an observation (a measurement no rule reads) nor a
    record refuted, entered in error, never taken or not yet begun.
    """
    if not exists_on(record, on) or record.kind is RecordKind.OBSERVATION:
        return False
    return record.kind is RecordKind.CONDITION or holds_on(record, on)


def _noted_evidence(
    facts: PatientFacts, on: date, allergies: list[Evidence]
) -> dict[Concept, tuple[Evidence, ...]]:
    """The evidence of the concepts no record's sign shows: an allergy to the plan, a minor."""
    evidence = {}
    if allergies:
        evidence[Concept.COMPONENT_ALLERGY] = tuple(allergies)
    if facts.birth_date is not None and facts.birth_date > _last_adult_birth_date(on):
        evidence[Concept.MINOR] = (_minor_evidence(facts.birth_date, on),)
    return evidence


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years on `on` (born on 29 February: a year older on 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@lru_cache(maxsize=64)
def _last_adult_birth_date(on: date) -> date:
    """The latest birth date of a patient `ADULT_AGE` on `on`: anyone born after is a minor.

    Born on 29 February, one comes of age on 1 March (`age_on`), so when the year of that birth
    date has no 29 February, the latest is the 28th.
    """
    year = on.year - ADULT_AGE
    return (
        date(year, 2, 28)
        if (on.month, on.day) == (2, 29) and not isleap(year)
        else on.replace(year=year)
    )


def _minor_evidence(birth_date: date, on: date) -> Evidence:
    age = age_on(birth_date, on)
    shown = f"Born {birth_date.isoformat()}: {age} years old on {on.isoformat()}"
    return Evidence("Patient", "birthDate", shown)


def _findings(
    signs: dict[Meaning, list[Sign]],
    evidence: dict[Concept, tuple[Evidence, ...]],
    protocol: Protocol,
) -> tuple[Finding, ...]:
    """The findings of the concepts present, worst first, each as its rule in the protocol.

    A concept's signs are made evidence only when a rule shows it: never when the protocol
    does not name it, nor when it gives way to a narrower one.
    """
    present = protocol.concepts.intersection(signs)
    rules = protocol.rules_shown(present.union(evidence) if evidence else present)
    for rule in rules:
        if rule.concept not in evidence:
            evidence[rule.concept] = tuple(map(Sign.evidence, signs[rule.concept]))
    return tuple(
        _finding_from((rule.concept, rule.severity, evidence[rule.concept], rule.source))
        for rule in rules
    )


def _unrecognised_finding(records: Sequence[HistoryRecord]) -> Finding:
    return _held_finding(tuple(_unrecognised_evidence(r, r.name) for r in records))


def _unrecognised_evidence(record: HistoryRecord, name: str) -> Evidence:
    """An unrecognised record as evidence, called `name` (its profile knows it already)."""
    first = record.codes[0].code if record.codes else ""
    shown = name or "(no code, no text)"
    return evidence_from((record.resource, first, shown, record.codes, "", ""))


def _held_finding(evidence: tuple[Evidence, ...]) -> Finding:
    return _finding_from((Concept.UNRECOGNISED, RELATIVE, evidence, UNRECOGNISED_SOURCE))


def _deceased_finding() -> Finding:
    shown = Evidence("Patient", "deceased", "The record says the patient has died")
    return Finding(Concept.DECEASED, Severity.ABSOLUTE, (shown,), DECEASED_SOURCE)


def _verdict(findings: Sequence[Finding], deceased: bool) -> Verdict:
    if deceased:
        return Verdict.NOT_BOOKABLE
    severities = {finding.severity for finding in findings}
    if ABSOLUTE in severities:
        return CONTRAINDICATED
    if RELATIVE in severities:
        return REVIEW
    return ELIGIBLE


def screening_to_json(
    screening: Screening, patient_id: str, preparation: Sequence[PreparationStep] = ()
) -> dict[str, Any]:
    """The screening as `mesoclinic screen --json` prints it (SPEC.md), plus what it left out."""
    return {
        "patient": patient_id,
        "on": screening.on.isoformat(),
        "protocol": {"id": screening.protocol_id, "version": screening.protocol_version},
        "verdict": screening.verdict.value,
        "findings": [_finding_json(finding) for finding in screening.findings],
        "preparation": [step_to_json(step) for step in preparation],
        "unrecognised": [
            {**_record_json(record), "holds_verdict": holds_the_verdict(record, screening.on)}
            for record in screening.unrecognised
        ],
        "not_relevant": [
            {**_record_json(item.record), "reason": item.reason} for item in screening.not_relevant
        ],
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
