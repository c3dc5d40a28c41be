"""Reads shared by the consultation pages, the API and the command line."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from mesoclinic.inventory.models import Ingredient, Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.gate import CourseBasis
from mesoclinic.scheduling.models import Course
from mesoclinic.treatments.models import (
    Consultation,
    PlanAreaProduct,
    Recommendation,
    TreatmentPlan,
)
from mesoclinic.treatments.screening import plan_products

NOT_SIGNED = "This plan's consultation is not signed yet: the practitioner signs it first."
NOT_RECOMMENDED = "This consultation did not recommend mesotherapy, so it books no course."
NO_PLAN_FOR = "{patient} has no signed treatment plan {plan_id}."

WITH_INGREDIENTS = Prefetch("ingredients", queryset=Ingredient.objects.order_by("position"))


class PlanNotBookable(Exception):
    """The plan cannot be booked as a course; the message says why."""


def loaded_plan(consultation: Consultation) -> TreatmentPlan | None:
    """The consultation's plan with everything its page and its screening read, or None."""
    plan = (
        TreatmentPlan.objects.filter(consultation=consultation)
        .select_related("numbing_product")
        .prefetch_related(
            Prefetch(
                "areas__formulation",
                queryset=PlanAreaProduct.objects.select_related("product").prefetch_related(
                    Prefetch(
                        "product__ingredients", queryset=Ingredient.objects.order_by("position")
                    )
                ),
            ),
            Prefetch(
                "numbing_product__ingredients", queryset=Ingredient.objects.order_by("position")
            ),
        )
        .first()
    )
    if plan is not None:
        plan.consultation = consultation
    return plan


def catalogue_in_use(clinic_id: int) -> QuerySet[Product]:
    """The clinic's products in use, with their ingredients."""
    return Product.objects.filter(clinic_id=clinic_id, active=True).prefetch_related(
        WITH_INGREDIENTS
    )


def patient_consultations(patient: Patient) -> list[Consultation]:
    """The patient's consultations, newest first, with their practitioner and plan."""
    return list(
        Consultation.objects.filter(patient=patient).select_related(
            "practitioner__user", "plan", "appointment"
        )
    )


def plan_courses(plan: TreatmentPlan) -> list[Course]:
    """The courses booked from the plan."""
    return list(Course.objects.filter(treatment_plan_id=plan.pk))


def plan_basis(plan: TreatmentPlan) -> CourseBasis:
    """What the calendar needs to book the plan's course, once its consultation is signed."""
    consultation = plan.consultation
    if not consultation.signed:
        raise PlanNotBookable(NOT_SIGNED)
    if consultation.recommendation != Recommendation.MESOTHERAPY:
        raise PlanNotBookable(NOT_RECOMMENDED)
    return CourseBasis(
        plan_id=plan.pk,
        protocol_id=plan.protocol_id,
        template_id=plan.template_id,
        areas=tuple(area.area for area in plan.areas.all()),
        products=plan_products(plan),
    )


def find_plan(patient: Patient, plan_id: int) -> TreatmentPlan:
    """The patient's treatment plan `plan_id`."""
    plan = (
        TreatmentPlan.objects.filter(pk=plan_id, consultation__patient=patient)
        .select_related("consultation", "numbing_product")
        .first()
    )
    if plan is None:
        raise PlanNotBookable(NO_PLAN_FOR.format(patient=patient, plan_id=plan_id))
    plan.consultation.patient = patient
    return plan


def plan_json(plan: TreatmentPlan) -> dict[str, Any]:
    """A plan as the API shows it."""
    return {
        "id": plan.pk,
        "consultation": plan.consultation_id,
        "template": f"{plan.protocol_id}/{plan.template_id}",
        "numbing_product": plan.numbing_product_id,
        "areas": [
            {
                "area": area.area,
                "technique": area.technique,
                "depth_mm": str(area.depth_mm) if area.depth_mm is not None else None,
                "layer": area.layer,
                "volume_ml": str(area.volume_ml),
                "products": [line.product_id for line in area.formulation.all()],
            }
            for area in plan.areas.all()
        ],
    }
