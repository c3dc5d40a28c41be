"""Consultations and plans, made through the domain functions the pages use."""

import datetime as dt
from decimal import Decimal

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import (
    PlannedArea,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_save,
)
from mesoclinic.treatments.domain.consent import consent_sign, consent_template_save
from mesoclinic.treatments.domain.sessions import PointAt, PreparationAnswer, session_start
from mesoclinic.treatments.models import CONSENT_RISKS
from mesoclinic.treatments.queries import day_checks, plan_basis
from tests.inventory.factories import ProductFactory, with_ingredients

HYALURONIC = ("http://fdasis.nlm.nih.gov", "S270N0TRQY", "hyaluronic acid")
LIDOCAINE = ("http://www.whocc.no/atc", "N01BB02", "lidocaine")


def catalogue(clinic):
    """Harbour's products as the tests use them: two cocktails and a numbing cream."""
    return {
        "hyaluronic": with_ingredients(
            ProductFactory(clinic=clinic, name="Hyaluronic acid 1%"), HYALURONIC, "water"
        ),
        "vitamins": with_ingredients(
            ProductFactory(clinic=clinic, name="Vitamin cocktail"), "ascorbic acid", "glycine"
        ),
        "numbing": with_ingredients(
            ProductFactory(clinic=clinic, name="Lidocaine cream", form="cream", numbing=True),
            LIDOCAINE,
        ),
    }


def recorded(patient, practitioner_user, *, appointment=None, recommendation="mesotherapy"):
    """A draft consultation with its assessment and recommendation."""
    consultation = consultation_start(
        patient=patient,
        appointment=appointment,
        practitioner=practitioner_user.practitioner,
        by=practitioner_user,
    )
    return consultation_save(
        consultation=consultation,
        concerns="Tired skin, fine lines",
        areas=["face", "neck"],
        fitzpatrick=2,
        skin_type="dry",
        area_conditions={"face": "dehydrated", "neck": "fine lines"},
        recommendation=recommendation,
        recommendation_reason="Good candidate",
        by=practitioner_user,
    )


def planned(consultation, practitioner_user, products, *, numbing=None, template="ref-000"):
    """Give the consultation a plan: the face with the first product, the neck with all."""
    return plan_save(
        consultation=consultation,
        template=template,
        numbing_product=numbing,
        areas=[
            PlannedArea("face", "nappage", Decimal("2"), (products[0],), Decimal("1")),
            PlannedArea("neck", "papules", Decimal("1.5"), tuple(products), layer="mid-dermis"),
        ],
        by=practitioner_user,
    )


def signed_plan(patient, practitioner_user, products, *, numbing=None, template="ref-000"):
    """A signed consultation recommending mesotherapy, and its plan."""
    consultation = recorded(patient, practitioner_user)
    plan = planned(consultation, practitioner_user, products, numbing=numbing, template=template)
    consultation_sign(consultation=consultation, by=practitioner_user)
    plan.refresh_from_db()
    return plan


def booked_course(patient, practitioner_user, products, *, numbing=None):
    """Four sessions of the signed plan's course (face with the first product, neck with all),
    from Monday 30 November 2026."""
    plan = signed_plan(patient, practitioner_user, products, numbing=numbing)
    protocol = load_protocol("ref-000")
    proposal = propose_course(
        patient, protocol, protocol.course(), dt.date(2026, 11, 30), areas=("face", "neck")
    )
    return course_book(
        proposal=proposal, by=practitioner_user, basis=plan_basis(plan), override_reason=""
    )


def consent_text(clinic, admin, *, treatment="ref-000"):
    """The clinic's consent text for `treatment`, as its admin writes it."""
    return consent_template_save(
        clinic_id=clinic.pk,
        treatment=treatment,
        title="Consent to mesotherapy",
        text="I agree to a course of mesotherapy injections as planned with my practitioner.",
        risks=list(CONSENT_RISKS),
        by=admin,
    )


def consented(course, *, photos=True, by=None):
    """The patient's consent to `course`, signed in the portal."""
    return consent_sign(
        course=course,
        photos_allowed=photos,
        typed_name=str(course.patient),
        agreed=True,
        drawing="M10 10 L20 25 L30 12",
        signed_via="portal" if by is None else "tablet",
        by=by or course.patient.user,
    )


def all_followed(appointment):
    """Every preparation step of the day answered as followed."""
    return [
        PreparationAnswer(step.instruction, step.concept, followed=True)
        for step in day_checks(appointment).preparation
    ]


def started(appointment, practitioner_user, **kwargs):
    """The session record of `appointment`, started after its checks."""
    return session_start(
        appointment=appointment,
        preparation=all_followed(appointment),
        by=practitioner_user,
        **kwargs,
    )


def point(lot, *, map="face-front", area="face", x="0.5", y="0.4", volume="0.1"):
    return PointAt(
        map=map,
        area=area,
        x=Decimal(x),
        y=Decimal(y),
        lot=lot,
        depth_mm=Decimal("1"),
        volume_ml=Decimal(volume),
        technique="papules",
    )
