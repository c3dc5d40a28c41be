"""The one-pass screening says exactly what the plain reading of the rules says.

`plain_screen` below is the rules written the obvious way: each record read for what it means
(`read_record`, `understand`), its statuses and dates read again for every question asked of it,
the allergies matched apart. `screen` reads each record once through its content's profile; on
any chart, protocol, day, plan and clinic mappings the two agree to the last field.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.clinical.allergies import allergic_records, component_allergies
from mesoclinic.clinical.concepts import LASTING, NARROWER, Concept, Marker, Meaning
from mesoclinic.clinical.facts import (
    LOINC,
    RXNORM,
    Coding,
    HistoryRecord,
    PatientFacts,
    RecordKind,
)
from mesoclinic.clinical.history import (
    _NO_SIGN,
    STALE_AFTER,
    Sign,
    concepts_from,
    exists_on,
    holds_on,
)
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.clinical.recognition import Reading, Understanding, read_record, understand
from mesoclinic.clinical.screening import (
    Finding,
    Product,
    Screening,
    _deceased_finding,
    _minor_evidence,
    _unrecognised_finding,
    _verdict,
    age_on,
    holds_the_verdict,
    screen,
)
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Lesson, Taught
from tests.clinical.builders import allergy, bmi, typed
from tests.clinical.test_properties import PROTOCOLS, STATUSES, charted, days, unrelated
from tests.clinical.test_screening import LIPOLYSIS

TAUGHT = Taught(
    (
        Lesson("anticoagulant-therapy", phrase="sintrom mite"),
        Lesson("not-relevant", phrase="essential hypertension", note="Dr Ana"),
        Lesson("ingredient:lidocaine", phrase="xylonor"),
        Lesson("anticoagulant-therapy", RXNORM, "1364445", note="Mapped by Dr Ana Petrović"),
    )
)
EXTRA = [
    typed(RecordKind.MEDICATION, "Sintrom mite 1 mg"),
    typed(RecordKind.CONDITION, "Essential hypertension"),
    typed(RecordKind.ALLERGY, "Xylonor"),
    typed(RecordKind.ALLERGY, "No allergy to lidocaine"),
    allergy(RXNORM, "6387", "lidocaine"),
    typed(RecordKind.ALLERGY, "Soy bean (substance)"),
    HistoryRecord("MedicationStatement/x", RecordKind.MEDICATION, (Coding(RXNORM, "1364445"),)),
    bmi(33.0, date(2026, 1, 1)),
    bmi(22.0, date(2026, 6, 1)),
    HistoryRecord("Observation/q", RecordKind.OBSERVATION, (Coding(LOINC, "82810-3"),), "No"),
]


@st.composite
def extra(draw: st.DrawFn) -> HistoryRecord:
    base = draw(st.sampled_from(EXTRA))
    return replace(
        base,
        status=draw(st.sampled_from([*STATUSES, "entered-in-error", "not-taken"])),
        verification=draw(st.sampled_from(["", "confirmed", "refuted"])),
        onset=draw(st.none() | days),
        ended=draw(st.none() | days),
        value=base.value if base.value is None else draw(st.floats(15, 45)),
    )


charts = st.builds(
    PatientFacts,
    birth_date=st.none() | st.dates(min_value=date(1920, 1, 1), max_value=date(2026, 11, 21)),
    deceased=st.booleans(),
    records=st.lists(charted() | unrelated() | extra(), max_size=12).map(tuple),
)
plans = st.sampled_from([(), (LIPOLYSIS,), (LIPOLYSIS, Product("Numbing cream", ("lidocaine",)))])


@settings(max_examples=600, deadline=None)
@given(charts, st.sampled_from(PROTOCOLS), days, plans, st.sampled_from([NOTHING_TAUGHT, TAUGHT]))
def test_one_pass_screening_says_what_the_plain_reading_says(facts, protocol, on, plan, taught):
    assert screen(facts, protocol, on, plan, taught) == plain_screen(
        facts, protocol, on, plan, taught
    )


def plain_screen(
    facts: PatientFacts,
    protocol: Protocol,
    on: date,
    products: Sequence[Product],
    taught: Taught,
) -> Screening:
    allergic = allergic_records(facts.records, products, taught)
    understood = [
        understood
        for record in facts.records
        if (understood := understand(record, taught)).how is not Understanding.MAPPED
        and all(record is not known for known in allergic)
    ]
    unrecognised = [u.record for u in understood if u.how is Understanding.UNRECOGNISED]
    present = {
        concept: tuple(sign.evidence() for sign in signs)
        for concept, signs in concepts_from(plain_signs(facts.records, on, taught)).items()
    }
    allergies = component_allergies(facts.records, products, on, taught)
    if allergies:
        present[Concept.COMPONENT_ALLERGY] = tuple(allergies)
    if facts.birth_date is not None and age_on(facts.birth_date, on) < 18:
        present[Concept.MINOR] = (_minor_evidence(facts.birth_date, on),)
    findings: tuple[Finding, ...] = tuple(
        Finding(rule.concept, rule.severity, present[rule.concept], rule.source)
        for rule in protocol.contraindications
        if rule.concept in present
    )
    found = {finding.concept for finding in findings}
    findings = tuple(
        sorted(
            (f for f in findings if NARROWER.get(f.concept) not in found),
            key=lambda finding: list(type(finding.severity)).index(finding.severity),
        )
    )
    held = tuple(r for r in unrecognised if holds_the_verdict(r, on))
    if held:
        findings = (_unrecognised_finding(held), *findings)
    if facts.deceased:
        findings = (_deceased_finding(), *findings)
    return Screening(
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        on=on,
        verdict=_verdict(findings, facts.deceased),
        findings=findings,
        unrecognised=tuple(unrecognised),
        not_relevant=tuple(u for u in understood if u.how is Understanding.NOT_RELEVANT),
    )


def plain_signs(
    records: Sequence[HistoryRecord], on: date, taught: Taught
) -> dict[Meaning, list[Sign]]:
    signs: dict[Meaning, list[Sign]] = defaultdict(list)
    superseded = plain_superseded(records, on)
    for index, record in enumerate(records):
        if index in superseded or not exists_on(record, on):
            continue
        readings = read_record(record, taught)
        chronic = Concept.ACTIVE_INFECTION in (r.meaning for r in readings) and any(
            r.meaning is Marker.CHRONIC_INFECTION and not r.past for r in readings
        )
        shown: set[Meaning] = set()
        for reading in readings:
            if reading.meaning in shown or not plain_shows(record, reading, on, chronic):
                continue
            shown.add(reading.meaning)
            signs[reading.meaning].append(Sign(record, reading))
    return signs


def plain_shows(record: HistoryRecord, reading: Reading, on: date, chronic: bool) -> bool:
    meaning = reading.meaning
    if meaning in _NO_SIGN or record.kind not in meaning.kinds:
        return False
    if isinstance(meaning, Concept) and meaning.ever:
        return True
    lasting = meaning in LASTING or (meaning is Concept.ACTIVE_INFECTION and chronic)
    if reading.past or not holds_on(record, on, lasting):
        return False
    limit = STALE_AFTER.get(meaning) if isinstance(meaning, Concept) else None
    return limit is None or record.onset is None or (on - record.onset).days <= limit


def plain_superseded(records: Sequence[HistoryRecord], on: date) -> set[int]:
    def question(record: HistoryRecord) -> str | None:
        if record.kind is not RecordKind.OBSERVATION:
            return None
        codes = [c.code for c in record.codes if c.system == LOINC and not c.code.startswith("LA")]
        return codes[0] if codes else None

    latest: dict[str, date] = {}
    for record in records:
        asked = question(record)
        if asked is not None and exists_on(record, on):
            latest[asked] = max(latest.get(asked, date.min), record.onset or date.min)
    return {
        index
        for index, record in enumerate(records)
        if (asked := question(record)) is not None
        and (record.onset or date.min) < latest.get(asked, date.min)
    }


def test_screening_hashes_each_records_codes_once():
    hashed: list[str] = []

    class Counted(Coding):
        def __hash__(self) -> int:
            hashed.append(self.code)
            return hash((self.system, self.code, self.display))

    records = tuple(
        replace(record, codes=tuple(Counted(c.system, c.code, c.display) for c in record.codes))
        for record in EXTRA
        if record.codes
    )
    facts = PatientFacts(date(1980, 5, 17), records=records)
    screen(facts, PROTOCOLS[0], date(2026, 11, 21), (LIPOLYSIS,), TAUGHT)  # learns the contents
    hashed.clear()

    screen(facts, PROTOCOLS[0], date(2026, 11, 21), (LIPOLYSIS,), TAUGHT)

    assert sorted(hashed) == sorted(c.code for record in records for c in record.codes)
