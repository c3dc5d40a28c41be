"""Changes to consultations and plans: start, record, plan, sign, and addenda once signed."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.clinical.areas import area_named
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import screening_to_json
from mesoclinic.clinics.models import Practitioner
from mesoclinic.inventory.models import Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from mesoclinic.treatments.domain.signing import (
    SigningRules,
    addendum_write,
    lock_unsigned,
    record_sign,
)
from mesoclinic.treatments.models import (
    Consultation,
    ConsultationAddendum,
    PlanArea,
    PlanAreaProduct,
    Recommendation,
    TreatmentPlan,
)
from mesoclinic.treatments.screening import consultation_screening

SIGNED = "This consultation is signed: it is read-only. Add an addendum instead."
NOT_A_CONSULTATION = "Only a consultation appointment has a consultation record."
NOT_THEIRS = "That appointment is not {patient}'s."
CANCELLED = "A cancelled or missed appointment has no consultation record."
ALREADY_RECORDED = "This appointment already has its consultation record."
ONLY_ITS_PRACTITIONER = "Only {practitioner}, who held the consultation, can sign it."
NEEDS_RECOMMENDATION = "Choose a recommendation and give its reason before signing."
NEEDS_PLAN = "A mesotherapy recommendation needs its treatment plan, each area with a product."
NO_PLAN_WITHOUT_MESOTHERAPY = (
    "Only a mesotherapy recommendation has a treatment plan: remove the plan or change the "
    "recommendation."
)
NOT_SIGNED = "Addenda are added to a signed consultation; edit the draft instead."
EMPTY_ADDENDUM = "An addendum needs its text."
NOT_IN_CATALOGUE = "{product} is not a product of this clinic's catalogue in use."
NOT_NUMBING = "{product} is not a numbing cream."
AREA_TWICE = "The plan names {area} twice; give each area once."
NO_AREAS = "A plan treats at least one area."
NO_PRODUCT = "{area}: choose at least one product."
NO_DEPTH = "{area}: give the depth in mm or the layer."
NO_VOLUME = "{area}: give the planned volume in mL, more than 0."


# The screening reviewed on the day of signing, kept with the signature.
SCREENING_FIELDS = (
    "screening_protocol_id",
    "screening_protocol_version",
    "screening_on",
    "screening_verdict",
    "screening_findings",
)


class ConsultationRefused(Exception):
    """A change to a consultation or plan that cannot be made; the message says why."""


CONSULTATION = SigningRules(
    kind="consultation",
    refused=ConsultationRefused,
    signed=SIGNED,
    only_its_practitioner=ONLY_ITS_PRACTITIONER,
    not_signed=NOT_SIGNED,
    empty_addendum=EMPTY_ADDENDUM,
    addendum=ConsultationAddendum,
)


@dataclass(frozen=True)
class PlannedArea:
    """One area of a plan as the practitioner sets it."""

    area: str
    technique: str
    volume_ml: Decimal
    products: tuple[Product, ...]
    depth_mm: Decimal | None = None
    layer: str = ""


def consultation_start(
    *,
    patient: Patient,
    appointment: Appointment | None,
    practitioner: Practitioner,
    by: User,
) -> Consultation:
    """Open the draft record of a consultation, for its appointment or from the chart."""
    if appointment is not None:
        _check_appointment(appointment, patient)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            clinic_id=patient.clinic_id,
            patient=patient,
            appointment=appointment,
            practitioner=practitioner,
            created_by=by,
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=consultation,
            summary="consultation record started",
            patient_id=patient.pk,
        )
    return consultation


def _check_appointment(appointment: Appointment, patient: Patient) -> None:
    if appointment.kind != AppointmentKind.CONSULTATION:
        raise ConsultationRefused(NOT_A_CONSULTATION)
    if appointment.patient_id != patient.pk:
        raise ConsultationRefused(NOT_THEIRS.format(patient=patient))
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        raise ConsultationRefused(CANCELLED)
    if Consultation.objects.filter(appointment=appointment).exists():
        raise ConsultationRefused(ALREADY_RECORDED)


def consultation_save(
    *,
    consultation: Consultation,
    concerns: str,
    areas: Sequence[str],
    fitzpatrick: int | None,
    skin_type: str,
    area_conditions: Mapping[str, str],
    recommendation: str,
    recommendation_reason: str,
    by: User,
) -> Consultation:
    """Record what the consultation found and recommends, while it is a draft."""
    values = {
        "concerns": concerns.strip(),
        "areas": [area_named(a) for a in areas],
        "fitzpatrick": fitzpatrick,
        "skin_type": skin_type,
        "area_conditions": {area_named(a): c.strip() for a, c in area_conditions.items()},
        "recommendation": recommendation,
        "recommendation_reason": recommendation_reason.strip(),
    }
    with transaction.atomic():
        _lock_draft(consultation)
        saved: Consultation = save_audited(
            obj=consultation, values=values, by=by, patient_id=consultation.patient_id
        )
    return saved


def plan_save(
    *,
    consultation: Consultation,
    template: str,
    numbing_product: Product | None,
    areas: Sequence[PlannedArea],
    by: User,
) -> TreatmentPlan:
    """Set the consultation's treatment plan: its course template, numbing cream and areas."""
    protocol_id, _, template_id = template.partition("/")
    protocol = load_protocol(protocol_id)
    course = protocol.course(template_id or None)
    _check_plan(consultation, numbing_product, areas)
    with transaction.atomic():
        _lock_draft(consultation)
        plan = getattr(consultation, "plan", None) or TreatmentPlan(consultation=consultation)
        plan.protocol_id, plan.template_id = protocol.id, course.id
        plan.protocol_version = str(protocol.version)
        plan.numbing_product = numbing_product
        plan.save()
        plan.areas.all().delete()
        for position, planned in enumerate(areas):
            _area_add(plan, position, planned)
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=plan,
            summary=_plan_summary(plan, areas, numbing_product),
            patient_id=consultation.patient_id,
        )
    return plan


def _check_plan(
    consultation: Consultation, numbing: Product | None, areas: Sequence[PlannedArea]
) -> None:
    if not areas:
        raise ConsultationRefused(NO_AREAS)
    named = [area_named(planned.area) for planned in areas]
    twice = next((area for area in named if named.count(area) > 1), None)
    if twice:
        raise ConsultationRefused(AREA_TWICE.format(area=twice))
    for planned in areas:
        _check_area(planned)
        for product in planned.products:
            _check_product(consultation, product)
    if numbing is not None:
        _check_product(consultation, numbing)
        if not numbing.numbing:
            raise ConsultationRefused(NOT_NUMBING.format(product=numbing))


def _check_area(planned: PlannedArea) -> None:
    if not planned.products:
        raise ConsultationRefused(NO_PRODUCT.format(area=planned.area))
    if planned.depth_mm is None and not planned.layer:
        raise ConsultationRefused(NO_DEPTH.format(area=planned.area))
    if planned.volume_ml <= 0:
        raise ConsultationRefused(NO_VOLUME.format(area=planned.area))


def _check_product(consultation: Consultation, product: Product) -> None:
    if product.clinic_id != consultation.clinic_id or not product.active:
        raise ConsultationRefused(NOT_IN_CATALOGUE.format(product=product))


def _area_add(plan: TreatmentPlan, position: int, planned: PlannedArea) -> None:
    area = PlanArea.objects.create(
        plan=plan,
        position=position,
        area=area_named(planned.area),
        technique=planned.technique,
        depth_mm=planned.depth_mm,
        layer=planned.layer,
        volume_ml=planned.volume_ml,
    )
    PlanAreaProduct.objects.bulk_create(
        PlanAreaProduct(area=area, product=product, position=n)
        for n, product in enumerate(planned.products)
    )


def _plan_summary(
    plan: TreatmentPlan, areas: Sequence[PlannedArea], numbing: Product | None
) -> str:
    shown = "; ".join(
        f"{a.area}: {a.technique} with {', '.join(p.name for p in a.products)}" for a in areas
    )
    cream = numbing.name if numbing else "no numbing cream"
    return f"plan {plan.protocol_id}/{plan.template_id}: {shown}; {cream}"


def plan_remove(*, consultation: Consultation, by: User) -> None:
    """Take the plan off a draft consultation that no longer recommends mesotherapy."""
    plan = getattr(consultation, "plan", None)
    if plan is None:
        return
    with transaction.atomic():
        _lock_draft(consultation)
        audit_record(
            by=by,
            action=Action.DELETE,
            obj=plan,
            summary="plan removed",
            patient_id=consultation.patient_id,
        )
        plan.delete()
    consultation.refresh_from_db()


def consultation_sign(*, consultation: Consultation, by: User) -> Consultation:
    """Sign the consultation with the screening reviewed today; from now on it is read-only."""
    today = timezone.localdate(timezone=consultation.patient.clinic.tzinfo)
    plan = getattr(consultation, "plan", None)
    screening = screening_to_json(consultation_screening(consultation, plan, today), "")

    def fill(_now: object) -> Sequence[str]:
        _check_recommendation(consultation)
        consultation.screening_protocol_id = screening["protocol"]["id"]
        consultation.screening_protocol_version = str(screening["protocol"]["version"])
        consultation.screening_on = today
        consultation.screening_verdict = screening["verdict"]
        consultation.screening_findings = screening["findings"]
        return SCREENING_FIELDS

    record_sign(
        record=consultation,
        by=by,
        rules=CONSULTATION,
        fill=fill,
        then=lambda: f"signed: {consultation.get_recommendation_display().lower()}",
    )
    return consultation


def _check_recommendation(consultation: Consultation) -> None:
    if not consultation.recommendation or not consultation.recommendation_reason:
        raise ConsultationRefused(NEEDS_RECOMMENDATION)
    plan = getattr(consultation, "plan", None)
    if consultation.recommendation != Recommendation.MESOTHERAPY:
        if plan is not None:
            raise ConsultationRefused(NO_PLAN_WITHOUT_MESOTHERAPY)
        return
    areas = list(plan.areas.all()) if plan else []
    if not areas or any(not area.formulation.exists() for area in areas):
        raise ConsultationRefused(NEEDS_PLAN)


def addendum_add(*, consultation: Consultation, text: str, by: User) -> ConsultationAddendum:
    """Add a dated note to a signed consultation."""
    addendum = addendum_write(record=consultation, text=text, by=by, rules=CONSULTATION)
    assert isinstance(addendum, ConsultationAddendum)
    return addendum


def _lock_draft(consultation: Consultation) -> None:
    lock_unsigned(record=consultation, rules=CONSULTATION)
