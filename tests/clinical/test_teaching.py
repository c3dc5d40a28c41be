"""What a clinic teaches: a code or a phrase mapped to a concept, or known not to matter."""

from datetime import date
from unittest import mock

import pytest

from mesoclinic.clinical.concepts import Concept, Verdict
from mesoclinic.clinical.facts import RXNORM, Coding, HistoryRecord, RecordKind
from mesoclinic.clinical.history import Evidence
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.recognition import Understanding, understand
from mesoclinic.clinical.screening import screen
from mesoclinic.clinical.teaching import Lesson, Taught
from tests.clinical.builders import patient, typed

ON = date(2026, 11, 21)
STANDARD = load_protocol("standard")
APIXABAN = Coding(RXNORM, "1364445", "")


def apixaban() -> HistoryRecord:
    return HistoryRecord("MedicationStatement/x", RecordKind.MEDICATION, (APIXABAN,))


def test_a_code_the_clinic_mapped_to_a_concept_means_that_concept():
    taught = Taught(
        (Lesson("anticoagulant-therapy", RXNORM, "1364445", note="Mapped by Dr Ana Petrović"),)
    )

    before = screen(patient(apixaban()), STANDARD, ON)
    after = screen(patient(apixaban()), STANDARD, ON, taught=taught)

    assert [f.concept for f in before.findings] == [Concept.UNRECOGNISED]
    assert (after.verdict, after.findings[0].concept, after.findings[0].evidence) == (
        Verdict.REVIEW,
        Concept.ANTICOAGULANT_THERAPY,
        (
            Evidence(
                "MedicationStatement/x",
                "1364445",
                "1364445",
                (APIXABAN,),
                mapping="Mapped by Dr Ana Petrović",
            ),
        ),
    )


def test_a_code_or_phrase_the_clinic_marked_not_relevant_no_longer_holds_the_verdict():
    hypertension = typed(RecordKind.CONDITION, "Essential hypertension")
    taught = Taught((Lesson("not-relevant", phrase="essential hypertension", note="Dr Ana"),))

    screening = screen(patient(hypertension), STANDARD, ON, taught=taught)

    assert (screening.verdict, screening.findings) == (Verdict.ELIGIBLE, ())
    assert understand(hypertension, taught).how is Understanding.NOT_RELEVANT
    assert understand(hypertension, taught).reason == "Dr Ana"


def test_a_phrase_the_clinic_taught_is_read_with_its_cues():
    taught = Taught((Lesson("anticoagulant-therapy", phrase="sintrom mite"),))
    denied = typed(RecordKind.MEDICATION, "No Sintrom Mite")

    assert screen(patient(denied), STANDARD, ON, taught=taught).findings == ()


def test_an_allergen_the_clinic_taught_meets_a_product():
    taught = Taught((Lesson("ingredient:lidocaine", phrase="xylonor"),))

    assert understand(typed(RecordKind.ALLERGY, "Xylonor"), taught).how is Understanding.MAPPED


@pytest.mark.parametrize(
    ("lesson", "message"),
    [
        (
            {"target": "pregnant", "phrase": "x"},
            "unknown concept 'pregnant'",
        ),
        ({"target": "ingredient:unobtainium", "phrase": "x"}, "unknown ingredient"),
        ({"target": "pregnancy"}, "either a code"),
    ],
)
def test_a_mapping_to_nothing_known_is_refused(lesson, message):
    with pytest.raises(ValueError, match=message):
        Lesson(**lesson)


def test_a_clinics_mappings_are_hashed_once_however_many_patients_are_screened():
    lessons = (
        Lesson("anticoagulant-therapy", RXNORM, "1364445"),
        Lesson("not-relevant", phrase="essential hypertension"),
    )
    taught = Taught(lessons)
    screen(patient(apixaban()), STANDARD, ON, taught=taught)

    # Screening finds its profiles by the mappings' hash for every patient: no lesson is
    # hashed again, and mappings equal in content still find the same profiles.
    with mock.patch.object(Lesson, "__hash__", side_effect=AssertionError("hashed again")):
        again = screen(patient(apixaban()), STANDARD, ON, taught=taught)
    assert hash(Taught(lessons)) == hash(taught)
    assert screen(patient(apixaban()), STANDARD, ON, taught=Taught(lessons)) == again
    assert again.findings[0].concept == Concept.ANTICOAGULANT_THERAPY
