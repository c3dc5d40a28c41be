"""Screening against the plan: an allergy to an ingredient of any planned product, numbing cream
included, is `component-allergy` (absolute in `standard`) whether the allergy is coded or typed
in English, Serbian or Turkish; it blocks booking the plan's course; the same patient with a plan
without that ingredient is eligible; numbing cream is never offered to a patient allergic to it.

Expected answers from SPEC.md ("The clinical half of the pathway": "an allergy to any ingredient
of any product in it, numbing cream included, is `component-allergy` (absolute in `standard`)")
and seeds 002 ("allergy to a component"), 003 and 004.
"""

import datetime as dt

import pytest

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.patients.models import Allergy, Patient
from mesoclinic.patients.screening import preparation_for
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.gate import NEEDS_OVERRIDE, BookingRefused
from mesoclinic.scheduling.models import Course
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.queries import loaded_plan, plan_basis
from mesoclinic.treatments.screening import consultation_screening
from tests.treatments.factories import catalogue, signed_plan

pytestmark = pytest.mark.usefixtures("frozen_now")

ON = dt.date(2026, 11, 21)
SNOMED = "http://snomed.info/sct"
STANDARD = load_protocol("standard")


def allergic(patient, text="", code=""):
    """Record an active allergy, by its SNOMED CT code or in the patient's own words."""
    return Allergy.objects.create(
        patient=patient,
        text=text,
        code_system=SNOMED if code else "",
        code=code,
        code_display="Lidocaine" if code else "",
        clinical_status="active",
    )


def findings(plan):
    consultation = plan.consultation
    screening = consultation_screening(consultation, loaded_plan(consultation), ON)
    return screening.verdict.value, [
        (f.concept.value, f.severity.value, [e.display for e in f.evidence])
        for f in screening.findings
    ]


def course_from(plan):
    proposal = propose_course(
        plan.consultation.patient,
        STANDARD,
        STANDARD.course(),
        dt.date(2026, 11, 30),
        areas=("face", "neck"),
    )
    return course_book(
        proposal=proposal, by=plan.consultation.practitioner.user, basis=plan_basis(plan)
    )


@pytest.mark.parametrize(
    ("allergy", "shown"),
    [
        ({"code": "387480006"}, "Allergy to Lidocaine; Lidocaine cream contains lidocaine"),
        (
            {"text": "Allergic to lidocaine"},
            "Allergy to lidocaine; Lidocaine cream contains lidocaine",
        ),
        (
            {"text": "Alergija na lidokain"},
            "Allergy to Alergija na lidokain; Lidocaine cream contains lidocaine",
        ),
        (
            {"text": "Лидокаин алергија"},
            "Allergy to Лидокаин алергија; Lidocaine cream contains lidocaine",
        ),
        (
            {"text": "Lidokain alerjisi"},
            "Allergy to Lidokain alerjisi; Lidocaine cream contains lidocaine",
        ),
    ],
)
def test_an_allergy_to_the_numbing_cream_blocks_booking(rooms, pat, paula, harbour, allergy, shown):
    products = catalogue(harbour)
    allergic(pat, **allergy)
    plan = signed_plan(
        pat, paula, [products["vitamins"]], numbing=products["numbing"], template="standard"
    )
    assert findings(plan) == (
        "contraindicated",
        [("component-allergy", "absolute", [shown])],
    )
    with pytest.raises(BookingRefused) as refused:
        course_from(plan)
    assert str(refused.value) == NEEDS_OVERRIDE.format(patient=pat, concepts="component-allergy")
    assert Course.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    [
        "Allergic to hyaluronic acid",
        "Alergija na hijaluronsku kiselinu",
        "Hiyaluronik asit alerjisi",
    ],
)
def test_an_allergy_to_an_injected_ingredient_blocks_and_another_plan_is_eligible(
    rooms, pat, paula, harbour, text
):
    products = catalogue(harbour)
    allergic(pat, text=text)
    with_it = signed_plan(pat, paula, [products["hyaluronic"]], template="standard")
    without_it = signed_plan(pat, paula, [products["vitamins"]], template="standard")
    assert (findings(with_it)[0], [f[0] for f in findings(with_it)[1]]) == (
        "contraindicated",
        ["component-allergy"],
    )
    assert findings(without_it) == ("eligible", [])
    assert course_from(without_it).verdict == "eligible"


def test_numbing_cream_is_never_offered_to_a_patient_allergic_to_it(pat):
    start = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)

    def offered(patient):
        fresh = Patient.objects.get(pk=patient.pk)
        return "numbing-cream" in [s.rule for s in preparation_for(fresh, start)]

    not_allergic = offered(pat)
    allergic(pat, text="Allergic to lidocaine")
    assert (not_allergic, offered(pat)) == (True, False)
