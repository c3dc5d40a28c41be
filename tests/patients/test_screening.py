"""Screening the stored record with the clinical core."""

import datetime as dt

import pytest

from mesoclinic.clinical.concepts import Concept, Severity, Verdict
from mesoclinic.clinical.facts import ATC, RXNORM, SNOMED, Coding
from mesoclinic.clinical.protocols import UnknownProtocol, load_protocol
from mesoclinic.clinical.screening import Evidence, Finding
from mesoclinic.clinical.sources import UNRECOGNISED_SOURCE
from mesoclinic.patients.domain import clinic_mapping_revoke, clinic_mapping_save
from mesoclinic.patients.screening import first_opening, preparation_for, screen_patient
from tests.factories import OpeningHoursFactory, PatientFactory
from tests.patients.factories import AllergyFactory, ConditionFactory, MedicationFactory

ON = dt.date(2026, 11, 27)


def standard_source(concept):
    return next(
        r.source for r in load_protocol("standard").contraindications if r.concept == concept
    )


def test_a_pregnant_patient_is_contraindicated_and_unknown_codes_hold_review_first(pat):
    pregnancy = ConditionFactory(
        patient=pat, code_system=SNOMED, code="77386006", code_display="Pregnancy (finding)"
    )
    MedicationFactory(patient=pat, code_system=RXNORM, code="5640", code_display="ibuprofen")
    odd = ConditionFactory(
        patient=pat, code_system=SNOMED, code="999999", code_display="Odd", text=""
    )
    screening = screen_patient(pat, ON)
    assert (screening.protocol_id, screening.verdict, screening.findings) == (
        "standard",
        Verdict.CONTRAINDICATED,
        (
            Finding(
                Concept.UNRECOGNISED,
                Severity.RELATIVE,
                (
                    Evidence(
                        f"Condition/{odd.pk}", "999999", "Odd", (Coding(SNOMED, "999999", "Odd"),)
                    ),
                ),
                UNRECOGNISED_SOURCE,
            ),
            Finding(
                Concept.PREGNANCY,
                Severity.ABSOLUTE,
                (
                    Evidence(
                        f"Condition/{pregnancy.pk}",
                        "77386006",
                        "Pregnancy (finding)",
                        (Coding(SNOMED, "77386006", "Pregnancy (finding)"),),
                    ),
                ),
                standard_source(Concept.PREGNANCY),
            ),
        ),
    )
    assert [r.resource for r in screening.unrecognised] == [f"Condition/{odd.pk}"]


def test_a_record_is_recognised_by_any_of_its_codings(pat):
    warfarin = MedicationFactory(
        patient=pat,
        text="",
        code_system=RXNORM,
        code="1364445",
        codings=[
            {"system": RXNORM, "code": "1364445", "display": ""},
            {"system": ATC, "code": "B01AF02", "display": ""},
        ],
    )

    screening = screen_patient(pat, ON)

    assert [(f.concept, [e.codes for e in f.evidence]) for f in screening.findings] == [
        (
            Concept.ANTICOAGULANT_THERAPY,
            [(Coding(RXNORM, "1364445", ""), Coding(ATC, "B01AF02", ""))],
        )
    ]
    assert screening.unrecognised == ()
    assert warfarin.all_codings[1]["code"] == "B01AF02"


def test_anaphylaxis_recorded_as_a_reaction_is_anaphylaxis_history(pat):
    AllergyFactory(
        patient=pat,
        text="",
        code_system=SNOMED,
        code="288328004",
        code_display="Bee venom (substance)",
        reactions=[
            {
                "codings": [{"system": SNOMED, "code": "39579001", "display": "Anaphylaxis"}],
                "text": "",
                "severity": "severe",
            }
        ],
    )

    screening = screen_patient(pat, ON)

    assert [f.concept for f in screening.findings] == [Concept.ANAPHYLAXIS_HISTORY]


def test_what_the_clinic_taught_applies_to_every_patient_at_once(pat, harbour, paula):
    other = PatientFactory(clinic=harbour)
    for patient in (pat, other):
        ConditionFactory(patient=patient, text="Essential hypertension")
    assert [screen_patient(p, ON).verdict for p in (pat, other)] == [Verdict.REVIEW] * 2

    mapping = clinic_mapping_save(
        clinic=harbour,
        system="",
        code="",
        phrase="Essential hypertension",
        display="Essential hypertension",
        target="not-relevant",
        note="Blood pressure is checked at the consultation",
        by=paula,
    )

    assert [screen_patient(p, ON).verdict for p in (pat, other)] == [Verdict.ELIGIBLE] * 2
    clinic_mapping_revoke(mapping=mapping, by=paula)
    assert [screen_patient(p, ON).verdict for p in (pat, other)] == [Verdict.REVIEW] * 2


def test_another_clinic_s_mappings_never_apply(pat, riverside, charlie):
    ConditionFactory(patient=pat, text="Essential hypertension")
    clinic_mapping_save(
        clinic=riverside,
        system="",
        code="",
        phrase="essential hypertension",
        display="",
        target="not-relevant",
        note="",
        by=charlie,
    )

    assert screen_patient(pat, ON).verdict == Verdict.REVIEW


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
