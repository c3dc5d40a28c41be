"""Reads shared by the consultation pages, the API and the command line."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from mesoclinic.clinical.concepts import Severity
from mesoclinic.clinical.preparation import PreparationStep
from mesoclinic.clinical.screening import screening_to_json
from mesoclinic.inventory.models import Ingredient, Lot, LotStatus, Product
from mesoclinic.patients.models import Patient
from mesoclinic.patients.screening import preparation_for, screen_patient
from mesoclinic.scheduling.gate import CourseBasis
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments.models import (
    ChartMap,
    ChartPoint,
    Consent,
    ConsentTemplate,
    Consultation,
    PlanAreaProduct,
    Recommendation,
    SessionPhoto,
    TreatmentPlan,
    TreatmentSession,
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


def current_template(clinic_id: int, treatment: str) -> ConsentTemplate | None:
    """The newest version of the clinic's consent text for `treatment`, if it has one."""
    return (
        ConsentTemplate.objects.filter(clinic_id=clinic_id, treatment=treatment)
        .order_by("-version")
        .first()
    )


def valid_consent(course: Course) -> Consent | None:
    """The course's consent signed on the current version of its text, if there is one."""
    template = current_template(course.clinic_id, course.protocol_id)
    if template is None:
        return None
    return Consent.objects.filter(course=course, template=template).order_by("-signed_at").first()


def consent_products(course: Course) -> list[dict[str, str]]:
    """The products the course's plan names, numbing cream included, with off-label notes."""
    if course.treatment_plan_id is None:
        return []
    plan = (
        TreatmentPlan.objects.filter(pk=course.treatment_plan_id)
        .select_related("numbing_product")
        .prefetch_related("areas__formulation__product")
        .first()
    )
    if plan is None:
        return []
    return [{"name": p.name, "off_label": p.off_label_note} for p in planned_products(plan)]


def planned_products(plan: TreatmentPlan) -> list[Product]:
    """Every catalogue product of the plan, each once, the numbing cream last."""
    products = {
        line.product.pk: line.product
        for area in plan.areas.all()
        for line in area.formulation.all()
    }
    if plan.numbing_product is not None:
        products.setdefault(plan.numbing_product.pk, plan.numbing_product)
    return list(products.values())


@dataclass(frozen=True)
class DayChecks:
    """What a session's page shows before it starts, in the order the practitioner reads it."""

    screening: dict[str, Any]
    new_findings: list[dict[str, Any]]
    new_absolute: list[str]
    preparation: list[PreparationStep]
    consent: Consent | None


def course_plan(course: Course) -> TreatmentPlan | None:
    """The plan the course follows, with its areas' products and their ingredients."""
    if course.treatment_plan_id is None:
        return None
    consultation = Consultation.objects.filter(plan__pk=course.treatment_plan_id).first()
    return loaded_plan(consultation) if consultation else None


def day_checks(appointment: Appointment) -> DayChecks:
    """Screening re-run today against the course's products, what is new since the booking,
    the preparation to ask about and the consent (SPEC.md, "Session record")."""
    course = appointment.course
    assert course is not None  # only a course's sessions are checked
    patient = appointment.patient
    plan = course_plan(course)
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    products = plan_products(plan) if plan else ()
    screening = screening_to_json(screen_patient(patient, today, course.protocol_id, products), "")
    booked = {finding["concept"] for finding in course.findings}
    new = [f for f in screening["findings"] if f["concept"] not in booked]
    return DayChecks(
        screening=screening,
        new_findings=new,
        new_absolute=[f["concept"] for f in new if f["severity"] == Severity.ABSOLUTE],
        preparation=preparation_for(patient, appointment.start, course.protocol_id),
        consent=valid_consent(course),
    )


def allowed_products(session: TreatmentSession, area: str) -> dict[int, Product] | None:
    """The products planned for `area` by the session's course plan; None when it has no plan."""
    course = session.appointment.course
    plan = course_plan(course) if course else None
    if plan is None:
        return None
    return {
        line.product_id: line.product
        for planned in plan.areas.all()
        if planned.area == area
        for line in planned.formulation.all()
    }


def lots_for_session(session: TreatmentSession) -> list[Lot]:
    """Usable lots of the products the session may chart, each product's earliest expiry first."""
    course = session.appointment.course
    plan = course_plan(course) if course else None
    day = timezone.localdate(timezone=session.appointment.clinic.tzinfo)
    lots = Lot.objects.filter(
        clinic_id=session.clinic_id,
        status=LotStatus.AVAILABLE,
        quantity_left__gt=0,
        expires__gte=day,
    ).select_related("product")
    if plan is not None:
        lots = lots.filter(product__in=planned_products(plan))
    else:
        lots = lots.filter(product__active=True)
    return list(lots.order_by("product__name", "expires", "pk"))


@dataclass(frozen=True)
class ChartTotal:
    """What one product put into one area: how many points and how much."""

    product: str
    area: str
    points: int
    volume_ml: Decimal


def session_points(session: TreatmentSession) -> list[ChartPoint]:
    """The session's points with their lot and product, in the order they were charted."""
    return list(session.points.select_related("lot__product").order_by("pk"))


def chart_totals(points: list[ChartPoint]) -> list[ChartTotal]:
    """Points and volume per product and area, by product then area."""
    sums: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for point in points:
        key = (point.lot.product.name, point.area)
        count, volume = sums.get(key, (0, Decimal(0)))
        sums[key] = (count + 1, volume + point.volume_ml)
    return [ChartTotal(p, a, n, v) for (p, a), (n, v) in sorted(sums.items())]


def point_json(point: ChartPoint) -> dict[str, Any]:
    return {
        "id": point.pk,
        "map": point.map,
        "area": point.area,
        "x": f"{point.x:.4f}",
        "y": f"{point.y:.4f}",
        "lot": point.lot_id,
        "lot_number": point.lot.number,
        "product": point.lot.product.name,
        "depth_mm": f"{point.depth_mm:.1f}",
        "volume_ml": f"{point.volume_ml:.2f}",
        "technique": point.technique,
    }


def photo_json(photo: SessionPhoto, image: str, thumbnail: str) -> dict[str, Any]:
    """A session photo as the API lists it, with the addresses that serve it."""
    return {
        "id": photo.pk,
        "view": photo.view,
        "moment": photo.moment,
        "taken_at": photo.taken_at.isoformat(),
        "width": photo.width,
        "height": photo.height,
        "image": image,
        "thumbnail": thumbnail,
    }


def stored_photo(path: str) -> bytes:
    """A kept photo or thumbnail, read from the private media folder."""
    with default_storage.open(path) as stored:
        content: bytes = stored.read()
    return content


def session_json(session: TreatmentSession) -> dict[str, Any]:
    """A session record as the API shows it, with its chart and totals."""
    points = session_points(session)
    return {
        "id": session.pk,
        "patient": session.patient_id,
        "appointment": session.appointment_id,
        "course": session.appointment.course_id,
        "consent": session.consent_id,
        "practitioner": str(session.practitioner),
        "started_at": session.started_at.isoformat(),
        "screening": {"verdict": session.screening_verdict, "new": session.new_findings},
        "override_reason": session.override_reason,
        "preparation": session.preparation,
        "disinfection": session.disinfection,
        "numbing": {
            "product": session.numbing_product_id,
            "lot": session.numbing_lot_id,
            "minutes": session.numbing_minutes,
        },
        "soothing_product": session.soothing_product_id,
        "reactions": session.reactions,
        "notes": session.notes,
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "signed_at": session.signed_at.isoformat() if session.signed_at else None,
        "points": [point_json(point) for point in points],
        "totals": [
            {
                "product": t.product,
                "area": t.area,
                "points": t.points,
                "volume_ml": str(t.volume_ml),
            }
            for t in chart_totals(points)
        ],
    }


def consent_json(consent: Consent) -> dict[str, Any]:
    """A signed consent as the API shows it."""
    return {
        "id": consent.pk,
        "patient": consent.patient_id,
        "course": consent.course_id,
        "title": consent.title,
        "version": consent.template.version,
        "text": consent.text,
        "products": consent.products,
        "risks": consent.risks,
        "photos_allowed": consent.photos_allowed,
        "signed_by": consent.typed_name,
        "guardian": consent.guardian_name,
        "guardian_relationship": consent.guardian_relationship,
        "signed_via": consent.signed_via,
        "signed_at": consent.signed_at.isoformat(),
    }


@dataclass(frozen=True)
class Recipient:
    """One session that used a lot, with how to reach its patient."""

    patient_id: int
    name: str
    phone: str
    email: str
    session_id: int
    course_id: int | None
    number: int | None
    started_at: datetime
    signed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "patient": self.patient_id,
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "session": self.session_id,
            "course": self.course_id,
            "date": self.started_at.date().isoformat(),
            "signed": self.signed,
        }


def lot_recipients(lot_ids: list[int]) -> list[Recipient]:
    """Every session that charted or numbed with one of the lots, earliest first: who received
    them (SPEC.md, "Products and lots"). One query on the lot indexes, read as plain rows so a
    lot used thousands of times lists in well under a second."""
    charted = ChartPoint.objects.filter(lot_id__in=lot_ids).values("session_id")
    numbed = TreatmentSession.objects.filter(numbing_lot_id__in=lot_ids).values("pk")
    rows = (
        TreatmentSession.objects.filter(Q(pk__in=charted) | Q(pk__in=numbed))
        .order_by("started_at", "pk")
        .values_list(
            "patient_id",
            "patient__given_name",
            "patient__family_name",
            "patient__phone",
            "patient__email",
            "pk",
            "appointment__course_id",
            "appointment__number",
            "started_at",
            "signed_at",
        )
    )
    return [
        Recipient(
            p, f"{given} {family}".strip(), phone, email, pk, course, number, at, bool(signed)
        )
        for p, given, family, phone, email, pk, course, number, at, signed in rows
    ]


def recipients_shown(clinic_id: int, recipients: list[Recipient]) -> list[Patient]:
    """The patients a recall list names, as the audit of who was shown needs them."""
    ids = dict.fromkeys(recipient.patient_id for recipient in recipients)
    return [Patient(pk=pk, clinic_id=clinic_id) for pk in ids]


def recall_json(lots: list[Lot], recipients: list[Recipient]) -> dict[str, Any]:
    """Who received the lots: as `lot-recall --json` and the API show it."""
    return {
        "lots": [
            {"id": lot.pk, "number": lot.number, "product": lot.product.name, "status": lot.status}
            for lot in lots
        ],
        "patients": len({recipient.patient_id for recipient in recipients}),
        "sessions": [recipient.to_json() for recipient in recipients],
    }


def awaiting_consent(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Those of `courses` whose clinic has a consent text and that have no signature on its
    newest version, in one query."""
    newest = (
        ConsentTemplate.objects.filter(
            clinic_id=OuterRef("clinic_id"), treatment=OuterRef("protocol_id")
        )
        .order_by("-version")
        .values("pk")[:1]
    )
    signed = Consent.objects.filter(course=OuterRef("pk"), template_id=OuterRef("current_text"))
    return (
        courses.annotate(current_text=Subquery(newest))
        .filter(current_text__isnull=False)
        .exclude(Exists(signed))
    )


# Every map is drawn in a 200 × 260 box; a point's position is relative to it.
MAP_WIDTH, MAP_HEIGHT = 200, 260


def chart_maps(points: list[ChartPoint]) -> list[dict[str, Any]]:
    """Each map with its points numbered as in the table, placed in the drawing's box."""
    maps: dict[str, dict[str, Any]] = {
        value: {"value": value, "label": label, "points": []} for value, label in ChartMap.choices
    }
    for n, point in enumerate(points, start=1):
        maps[point.map]["points"].append(
            {
                "n": n,
                "pk": point.pk,
                "cx": float(point.x) * MAP_WIDTH,
                "cy": float(point.y) * MAP_HEIGHT,
            }
        )
    return list(maps.values())
