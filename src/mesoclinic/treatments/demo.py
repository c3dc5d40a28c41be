"""The demo's consultation: James was seen by Dr Morgan, who signed a plan for his face and
neck; his course follows it from the coming Monday, and he signed its consent in the portal."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.clinical.planner import Preferences
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.inventory.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.models import Course
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import (
    PlannedArea,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_save,
)
from mesoclinic.treatments.domain.consent import consent_sign, consent_template_save
from mesoclinic.treatments.models import CONSENT_RISKS, Consultation, Recommendation, SignedVia
from mesoclinic.treatments.queries import plan_basis

PATIENT = "patient.james"
PRACTITIONER = "dr.morgan"
PROTOCOL = "ref-000"
HYALURONIC = "Hyaluronic acid 1% (non-cross-linked)"
VITAMINS = "Revitalising vitamin cocktail"
NUMBING = "Lidocaine 4% numbing cream"
CONSENT_TEXT = (
    "I agree to a course of mesotherapy: small injections into the skin of the areas and with "
    "the products my practitioner and I have planned, over several sessions. I have been told "
    "what to do before and after each session, and that I may stop the course at any time."
)


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
    _consent(patient)


def _consent(patient: Patient) -> None:
    """The clinic's consent text for the course's treatment, and James's signature in the portal."""
    admin = User.objects.filter(clinic_id=patient.clinic_id, role=Role.ADMIN).first()
    course = Course.objects.filter(patient=patient).first()
    if admin is None or course is None or patient.user is None:
        return
    consent_template_save(
        clinic_id=patient.clinic_id,
        treatment=course.protocol_id,
        title="Consent to a course of mesotherapy",
        text=CONSENT_TEXT,
        risks=list(CONSENT_RISKS),
        by=admin,
    )
    consent_sign(
        course=course,
        photos_allowed=True,
        typed_name=str(patient),
        agreed=True,
        drawing="M20 80 L60 40 L90 85 L130 35 L170 80",
        signed_via=SignedVia.PORTAL,
        by=patient.user,
    )


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
