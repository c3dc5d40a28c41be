"""Consultations and plans, made through the domain functions the pages use."""

from decimal import Decimal

from mesoclinic.treatments.domain import (
    PlannedArea,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_save,
)
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
