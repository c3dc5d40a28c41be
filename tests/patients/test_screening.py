"""Screening the stored record with the clinical core."""

import datetime as dt

import pytest

from mesoclinic.clinical.concepts import Concept, Severity, Verdict
from mesoclinic.clinical.facts import RXNORM, SNOMED
from mesoclinic.clinical.protocols import UnknownProtocol, load_protocol
from mesoclinic.clinical.screening import Evidence, Finding
from mesoclinic.patients.screening import first_opening, preparation_for, screen_patient
from tests.factories import OpeningHoursFactory
from tests.patients.factories import ConditionFactory, MedicationFactory

ON = dt.date(2026, 11, 27)


def standard_source(concept):
    return next(
        r.source for r in load_protocol("standard").contraindications if r.concept == concept
    )


def test_a_pregnant_patient_is_contraindicated_and_unknown_codes_are_kept(pat):
    pregnancy = ConditionFactory(
        patient=pat, code_system=SNOMED, code="77386006", code_display="Pregnancy (finding)"
    )
    MedicationFactory(patient=pat, code_system=RXNORM, code="5640", code_display="ibuprofen")
    odd = ConditionFactory(patient=pat, code_system=SNOMED, code="999999", code_display="Odd")
    screening = screen_patient(pat, ON)
    assert (screening.protocol_id, screening.verdict, screening.findings) == (
        "standard",
        Verdict.CONTRAINDICATED,
        (
            Finding(
                Concept.PREGNANCY,
                Severity.ABSOLUTE,
                (Evidence(f"Condition/{pregnancy.pk}", "77386006", "Pregnancy (finding)"),),
                standard_source(Concept.PREGNANCY),
            ),
        ),
    )
    assert [r.resource for r in screening.unrecognised] == [f"Condition/{odd.pk}"]


def test_a_patient_with_nothing_on_record_is_eligible(pat):
    assert screen_patient(pat, ON).verdict == Verdict.ELIGIBLE


def test_an_unknown_protocol_is_refused_by_name(pat):
    with pytest.raises(UnknownProtocol, match="no protocol 'house'"):
        screen_patient(pat, ON, "house")


def test_preparation_is_dated_from_the_session_start(pat, harbour):
    MedicationFactory(patient=pat, code_system=RXNORM, code="5640", code_display="ibuprofen")
    start = dt.datetime(2026, 11, 27, 10, 30, tzinfo=harbour.tzinfo)
    first = preparation_for(pat, start)[0]
    assert (first.concept, first.from_, first.until, first.instruction) == (
        "nsaid-or-aspirin",
        dt.datetime(2026, 11, 22, tzinfo=harbour.tzinfo),
        start,
        "Stop taking ibuprofen from Sun 22 Nov until after your treatment: it raises the risk of "
        "bleeding and bruising.",
    )


def test_the_session_starts_when_the_clinic_opens_or_at_nine(harbour):
    OpeningHoursFactory(clinic=harbour, weekday=4, starts=dt.time(14), ends=dt.time(18))
    OpeningHoursFactory(clinic=harbour, weekday=4, starts=dt.time(8, 30), ends=dt.time(12))
    assert first_opening(harbour, ON) == dt.datetime(2026, 11, 27, 8, 30, tzinfo=harbour.tzinfo)
    saturday = dt.date(2026, 11, 28)
    assert first_opening(harbour, saturday) == dt.datetime(2026, 11, 28, 9, tzinfo=harbour.tzinfo)
