"""Screening against a treatment plan: every product in it, numbing cream included.

An allergy to any ingredient of a planned product is `component-allergy` (002, 003, 004;
SPEC.md: absolute in `standard`), with the product and the ingredient as its evidence.
"""

from datetime import date

from mesoclinic.clinical.facts import Coding
from mesoclinic.clinical.screening import Product as ClinicalProduct
from mesoclinic.clinical.screening import Screening
from mesoclinic.inventory.models import Product
from mesoclinic.patients.screening import DEFAULT_PROTOCOL, screen_patient
from mesoclinic.treatments.models import Consultation, TreatmentPlan


def clinical_product(product: Product) -> ClinicalProduct:
    """A catalogue product as the clinical core reads it: its name and ingredients."""
    return ClinicalProduct(
        product.name,
        tuple(
            Coding(i.code_system, i.code, i.name) if i.code else i.name
            for i in product.ingredients.all()
        ),
    )


def plan_products(plan: TreatmentPlan) -> tuple[ClinicalProduct, ...]:
    """Every product of the plan, each once: each area's formulation, then the numbing cream."""
    products: dict[int, Product] = {}
    for area in plan.areas.all():
        for line in area.formulation.all():
            products.setdefault(line.product_id, line.product)
    if plan.numbing_product is not None:
        products.setdefault(plan.numbing_product.pk, plan.numbing_product)
    return tuple(clinical_product(product) for product in products.values())


def consultation_screening(
    consultation: Consultation, plan: TreatmentPlan | None, on: date
) -> Screening:
    """The screening for a course from the consultation's `plan` (standard without a plan)."""
    protocol_id = plan.protocol_id if plan else DEFAULT_PROTOCOL
    products = plan_products(plan) if plan else ()
    return screen_patient(consultation.patient, on, protocol_id, products)
