"""Properties that hold for any chart, protocol, area and time (hypothesis)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.clinical.aftercare import aftercare_steps
from mesoclinic.clinical.areas import AREAS
from mesoclinic.clinical.concepts import Concept, Verdict
from mesoclinic.clinical.facts import SNOMED, Coding, HistoryRecord, PatientFacts, RecordKind
from mesoclinic.clinical.preparation import preparation_steps
from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.clinical.recognition import Understanding, understand
from mesoclinic.clinical.screening import holds_the_verdict, screen
from tests.clinical.builders import bmi, condition, medication, typed
from tests.clinical.test_screening import CASES, LIPOLYSIS

PROTOCOLS = all_protocols()
ZONES = [
    UTC,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-8)),
    ZoneInfo("Europe/Paris"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Lord_Howe"),  # its clocks move by half an hour
]
STATUSES = [
    "active",
    "resolved",
    "inactive",
    "stopped",
    "completed",
    "on-hold",
    "intended",
    "unknown",
]
CHARTED = [
    *(record for case in CASES.values() for record in (case.coded, case.written)),
    condition("15777000", "Prediabetes"),
    condition("19169002", "Miscarriage in first trimester"),
    medication("106892", "insulin isophane, human 70 UNT/ML [Humulin]"),
    medication("866412", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet"),
    condition("414545008", "Ischemic heart disease (disorder)"),
    typed(RecordKind.MEDICATION, "Ibuprofen 400 mg"),
    typed(RecordKind.MEDICATION, "Vitamin E"),
    typed(RecordKind.CONDITION, "Not pregnant"),
    bmi(31.0, date(2024, 1, 1)),
    bmi(24.0, date(2025, 1, 1)),
]
UNRELATED_WORDS = [
    "Fracture of ankle",
    "Seasonal allergic rhinitis",
    "Full-time employment (finding)",
    "Lisinopril 10 MG Oral Tablet",
    "Myopia",
    "Tree pollen (substance)",
]

# Hypothesis takes naive bounds and gives each moment one of the `timezones`.
earliest, latest = datetime(2000, 1, 1), datetime(2040, 1, 1)  # noqa: DTZ001 -- as Hypothesis asks
moments = st.datetimes(min_value=earliest, max_value=latest, timezones=st.sampled_from(ZONES))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))


@st.composite
def charted(draw: st.DrawFn) -> HistoryRecord:
    base = draw(st.sampled_from(CHARTED))
    return replace(
        base,
        resource=f"{base.resource}-{draw(st.integers(0, 10**6))}",
        status=draw(st.sampled_from(STATUSES)),
        onset=draw(st.none() | days),
        ended=draw(st.none() | days),
    )


@st.composite
def unrelated(draw: st.DrawFn) -> HistoryRecord:
    kind = draw(st.sampled_from(list(RecordKind)))
    code = draw(st.text("0123456789", min_size=5, max_size=12))
    coded = HistoryRecord(
        f"Unrelated/{code}", kind, (Coding("http://example.org/unrelated", code),)
    )
    words = HistoryRecord(f"Unrelated/w{code}", kind, text=draw(st.sampled_from(UNRELATED_WORDS)))
    snomed = HistoryRecord(
        f"Unrelated/s{code}", kind, (Coding(SNOMED, "160903007", "Full-time employment"),)
    )
    return draw(st.sampled_from([coded, words, snomed]))


charts = st.builds(
    PatientFacts,
    birth_date=st.none() | st.dates(min_value=date(1920, 1, 1), max_value=date(2026, 11, 21)),
    deceased=st.booleans(),
    records=st.lists(charted(), max_size=8).map(tuple),
)
area_sets = st.sets(st.sampled_from(sorted(AREAS)), min_size=1, max_size=4).map(sorted)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PROTOCOLS), area_sets, moments)
def test_aftercare_never_begins_before_the_session_ends(protocol, areas, ended):
    prescribed = {rule.id for rule in protocol.aftercare}

    for step in aftercare_steps(protocol, areas, ended, prescribed=prescribed):
        assert step.from_.timestamp() >= ended.timestamp()
        assert step.until is None or step.until.timestamp() >= step.from_.timestamp()
        assert "{" not in step.instruction


@settings(max_examples=300, deadline=None)
@given(charts, st.sampled_from(PROTOCOLS), moments, st.none() | area_sets)
def test_preparation_always_ends_when_the_session_starts(facts, protocol, start, areas):
    prescribed = {rule.id for rule in protocol.preparation}

    for step in preparation_steps(facts, protocol, start, areas=areas, prescribed=prescribed):
        assert step.until == start
        assert start.timestamp() - 11 * 86400 <= step.from_.timestamp() <= start.timestamp()
        assert "{" not in step.instruction


@settings(max_examples=300, deadline=None)
@given(charts, st.sampled_from(PROTOCOLS), days, st.randoms(use_true_random=False))
def test_screening_is_deterministic_and_ignores_the_order_of_records(facts, protocol, on, rng):
    first = screen(facts, protocol, on, (LIPOLYSIS,))
    shuffled = list(facts.records)
    rng.shuffle(shuffled)
    again = screen(replace(facts, records=tuple(shuffled)), protocol, on, (LIPOLYSIS,))

    assert screen(facts, protocol, on, (LIPOLYSIS,)) == first
    assert again.verdict == first.verdict
    assert [f.concept for f in again.findings] == [f.concept for f in first.findings]


VERDICTS = list(Verdict)


@settings(max_examples=300, deadline=None)
@given(charts, st.sampled_from(PROTOCOLS), days, unrelated(), st.integers(min_value=0))
def test_an_unrelated_record_holds_the_verdict_at_review_at_most(facts, protocol, on, extra, place):
    understood = understand(extra)
    assert understood.how is not Understanding.MAPPED, "the strategy draws no concept's record"
    records = list(facts.records)
    records.insert(place % (len(records) + 1), extra)

    before = screen(facts, protocol, on)
    after = screen(replace(facts, records=tuple(records)), protocol, on)

    held = understood.how is Understanding.UNRECOGNISED and holds_the_verdict(extra, on)
    least = Verdict.REVIEW if held else Verdict.ELIGIBLE
    assert after.verdict == max(before.verdict, least, key=VERDICTS.index)
    assert without_unrecognised(after) == without_unrecognised(before)


def without_unrecognised(screening):
    return [f for f in screening.findings if f.concept is not Concept.UNRECOGNISED]
