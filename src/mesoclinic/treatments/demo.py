"""The demo's consultation: James was seen by Dr Morgan, who signed a plan for his face and
neck; his course follows it from the coming Monday."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.clinical.planner import Preferences
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.inventory.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import (
    PlannedArea,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_save,
)
from mesoclinic.treatments.models import Consultation, Recommendation
from mesoclinic.treatments.queries import plan_basis

PATIENT = "patient.james"
PRACTITIONER = "dr.morgan"
PROTOCOL = "ref-000"
HYALURONIC = "Hyaluronic acid 1% (non-cross-linked)"
VITAMINS = "Revitalising vitamin cocktail"
NUMBING = "Lidocaine 4% numbing cream"


def demo_consultation_load() -> None:
    """Record, plan and sign James's consultation and book its course, unless he has one."""
    patient = Patient.objects.filter(user__username=PATIENT).select_related("clinic").first()
    by = User.objects.filter(username=PRACTITIONER).select_related("practitioner").first()
    if patient is None or by is None or Consultation.objects.filter(patient=patient).exists():
        return
    products = {p.name: p for p in Product.objects.filter(clinic=patient.clinic)}
    consultation = consultation_start(
        patient=patient, appointment=None, practitioner=by.practitioner, by=by
    )
    consultation_save(
        consultation=consultation,
        concerns="Dull, tired-looking skin; fine lines on the neck.",
        areas=["face", "neck"],
        fitzpatrick=3,
        skin_type="combination",
        area_conditions={"face": "dehydrated, uneven tone", "neck": "fine horizontal lines"},
        recommendation=Recommendation.MESOTHERAPY,
        recommendation_reason="Healthy skin, realistic expectations, nothing against treatment.",
        by=by,
    )
    plan_save(
        consultation=consultation,
        template=f"{PROTOCOL}/course",
        numbing_product=products[NUMBING],
        areas=[
            PlannedArea("face", "nappage", Decimal("2"), (products[HYALURONIC],), Decimal("1")),
            PlannedArea(
                "neck",
                "papules",
                Decimal("1.5"),
                (products[HYALURONIC], products[VITAMINS]),
                layer="superficial-dermis",
            ),
        ],
        by=by,
    )
    consultation_sign(consultation=consultation, by=by)
    _book(patient, by, consultation)


def _book(patient: Patient, by: User, consultation: Consultation) -> None:
    basis = plan_basis(consultation.plan)
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    monday = today + timedelta(days=7 - today.weekday())
    protocol = load_protocol(PROTOCOL)
    proposal = propose_course(
        patient,
        protocol,
        protocol.course(),
        monday,
        areas=basis.areas,
        preferences=Preferences(practitioner_id=by.practitioner.pk),
    )
    if proposal.placement.complete:
        course_book(proposal=proposal, by=by, basis=basis)
