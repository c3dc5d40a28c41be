"""The treatments API: a consultation record, and the plan's course planned and booked."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from mesoclinic.accounts.models import CLINICAL_ROLES, STAFF_ROLES, Role, TokenScope, User
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.api_errors import errors
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.clinical.planner import Preferences, TimeOfDay
from mesoclinic.inventory.access import lot_for
from mesoclinic.inventory.models import Lot
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import CourseIncomplete, course_book
from mesoclinic.scheduling.gate import BookingRefused, CourseBasis
from mesoclinic.scheduling.proposals import CourseProposal, proposal_to_json, propose_course
from mesoclinic.treatments.access import (
    consent_for,
    consultation_for,
    photo_for,
    plan_for,
    session_for,
    session_photos_for,
)
from mesoclinic.treatments.domain.sessions import SIGNED as SESSION_SIGNED
from mesoclinic.treatments.domain.sessions import (
    PointAt,
    SessionRefused,
    point_add,
    session_sign,
)
from mesoclinic.treatments.queries import (
    PlanNotBookable,
    consent_json,
    loaded_plan,
    lot_recipients,
    photo_json,
    plan_basis,
    plan_json,
    point_json,
    recall_json,
    recipients_shown,
    session_json,
    stored_photo,
)

router = Router(tags=["treatments"])
STAFF_ONLY = "Only clinic staff can plan and book courses."
CLINICAL_ONLY = "Only a clinic admin or a practitioner may read a consultation record."
CLINICAL_SESSION = "Only a clinic admin or a practitioner may read or chart a session record."
STAFF_CONSENT = "Only clinic staff may read a patient's consent through the API."
NO_LOT = "No lot {lot} in this clinic."
CLINICAL_RECALL = "Only a clinic admin or a practitioner may list who received a lot."
# Photos answer anyone signed in as the page does: `photo_for` decides who sees them.
EVERY_ROLE = frozenset(Role)
SIGNED_IN_ONLY = "Sign in to see a photo."
# The photo routes answer with the JPEG itself, which the document says for its readers.
JPEG = {
    "responses": {
        "200": {
            "description": "The photo, without EXIF",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class PlanCourseRequest(Schema):
    first: date = Field(alias="from", description="the first possible date")
    sessions: StrictInt | None = None
    same_practitioner: StrictBool = True
    time_of_day: TimeOfDay = TimeOfDay.ANY
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=list(range(7)), description="0 = Monday … 6 = Sunday"
    )


class BookPlanRequest(PlanCourseRequest):
    override_reason: str = ""


@router.get(
    "/consultations/{consultation_id}",
    summary="A consultation record and its plan",
    response={200: dict[str, Any], **errors(404, 422)},
)
def consultation_read(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_ONLY)
    consultation = consultation_for(user, consultation_id, purpose="API consultation")
    plan = loaded_plan(consultation)
    return {
        "id": consultation.pk,
        "patient": consultation.patient_id,
        "appointment": consultation.appointment_id,
        "practitioner": str(consultation.practitioner),
        "concerns": consultation.concerns,
        "areas": consultation.areas,
        "fitzpatrick": consultation.fitzpatrick,
        "skin_type": consultation.skin_type,
        "area_conditions": consultation.area_conditions,
        "recommendation": consultation.recommendation,
        "recommendation_reason": consultation.recommendation_reason,
        "signed_at": consultation.signed_at.isoformat() if consultation.signed_at else None,
        "screening": {
            "protocol": consultation.screening_protocol_id,
            "verdict": consultation.screening_verdict,
            "findings": consultation.screening_findings,
        },
        "plan": plan_json(plan) if plan else None,
    }


@router.post(
    "/plans/{plan_id}/plan-course",
    summary="Plan the plan's course (nothing is booked)",
    response={200: dict[str, Any], **errors(404, 422)},
)
def plan_course(request: HttpRequest, plan_id: int, body: PlanCourseRequest) -> dict[str, Any]:
    user = api_user_with_role(request, STAFF_ROLES, STAFF_ONLY)
    return proposal_to_json(_propose(user, plan_id, body)[0])


@router.post(
    "/plans/{plan_id}/book",
    summary="Plan and book the plan's course, or nothing",
    response={201: dict[str, Any], **errors(404, 409, 422)},
)
def plan_book(request: HttpRequest, plan_id: int, body: BookPlanRequest) -> Status[dict[str, Any]]:
    user = api_user_with_role(request, STAFF_ROLES, STAFF_ONLY, scope=TokenScope.BOOK)
    proposal, basis = _propose(user, plan_id, body)
    try:
        course = course_book(
            proposal=proposal, by=user, override_reason=body.override_reason, basis=basis
        )
    except SlotTaken as taken:
        raise HttpError(409, str(taken)) from None
    except (CourseIncomplete, BookingRefused) as refused:
        raise HttpError(422, str(refused)) from None
    return Status(201, {"course": course.pk, "plan": plan_id, **proposal_to_json(proposal)})


def _propose(
    user: User, plan_id: int, body: PlanCourseRequest
) -> tuple[CourseProposal, CourseBasis]:
    plan = plan_for(user, plan_id, purpose="API plan course")
    try:
        basis = plan_basis(plan)
        protocol, template = template_named(f"{basis.protocol_id}/{basis.template_id}")
        preferences = Preferences(
            same_practitioner=body.same_practitioner,
            time_of_day=body.time_of_day,
            weekdays=frozenset(body.weekdays),
        )
        proposal = propose_course(
            plan.consultation.patient,
            protocol,
            template,
            body.first,
            areas=basis.areas,
            preferences=preferences,
            sessions=body.sessions,
        )
    except (PlanNotBookable, LookupError, ValueError) as error:
        raise HttpError(422, str(error)) from None
    return proposal, basis


class PointRequest(Schema):
    map: str = Field(description="face-front, face-left, face-right, neck, hands, abdomen, …")
    area: str
    x: Annotated[Decimal, Field(ge=0, le=1, description="across the drawing, 0 to 1")]
    y: Annotated[Decimal, Field(ge=0, le=1, description="down the drawing, 0 to 1")]
    lot: StrictInt
    depth_mm: Annotated[Decimal, Field(ge=0, le=99)]
    volume_ml: Annotated[Decimal, Field(gt=0, le=999)]
    technique: str


@router.get(
    "/sessions/{session_id}",
    summary="A session record with its chart",
    response={200: dict[str, Any], **errors(404, 422)},
)
def session_read(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_SESSION)
    session = session_for(user, session_id, purpose="API session record")
    return session_json(session)


@router.post(
    "/sessions/{session_id}/points",
    summary="Chart one injection point (refused once the session is signed)",
    response={201: dict[str, Any], **errors(404, 409, 422)},
)
def session_point_add(
    request: HttpRequest, session_id: int, body: PointRequest
) -> Status[dict[str, Any]]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_SESSION, scope=TokenScope.CHART)
    session = session_for(user, session_id, purpose="API chart a point")
    if session.signed:
        raise HttpError(409, SESSION_SIGNED)
    lot = Lot.objects.filter(pk=body.lot, clinic_id=session.clinic_id).first()
    if lot is None:
        raise HttpError(422, NO_LOT.format(lot=body.lot))
    at = PointAt(**{**body.dict(), "lot": lot})
    try:
        point = point_add(session=session, point=at, by=user)
    except SessionRefused as refused:
        raise HttpError(409 if str(refused) == SESSION_SIGNED else 422, str(refused)) from None
    return Status(201, point_json(point))


@router.post(
    "/sessions/{session_id}/sign",
    summary="Sign the session record; it becomes read-only",
    response={200: dict[str, Any], **errors(404, 409, 422)},
)
def session_sign_route(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_SESSION, scope=TokenScope.CHART)
    session = session_for(user, session_id, purpose="API sign session")
    try:
        signed = session_sign(session=session, by=user)
    except SessionRefused as refused:
        raise HttpError(409 if str(refused) == SESSION_SIGNED else 422, str(refused)) from None
    return session_json(signed)


@router.get(
    "/consents/{consent_id}",
    summary="A signed consent (it never changes)",
    response={200: dict[str, Any], **errors(404, 422)},
)
def consent_read(request: HttpRequest, consent_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, STAFF_ROLES, STAFF_CONSENT)
    return consent_json(consent_for(user, consent_id, purpose="API consent"))


@router.get(
    "/lots/{lot_id}/recipients",
    summary="Who received a lot: patients, sessions, dates and contact details",
    response={200: dict[str, Any], **errors(404, 422)},
)
def lot_recall_list(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_RECALL)
    lot = lot_for(user, lot_id)
    recipients = lot_recipients([lot.pk])
    audit_list_shown(
        by=user,
        patients=recipients_shown(lot.clinic_id, recipients),
        summary=f"API lot recall list: lot {lot.number}",
    )
    return recall_json([lot], recipients)


@router.get(
    "/sessions/{session_id}/photos",
    summary="A session's photos, before and after, where the consent allows photos",
    response={200: dict[str, Any], **errors(404, 422)},
)
def session_photo_list(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = api_user_with_role(request, EVERY_ROLE, SIGNED_IN_ONLY)
    session, photos = session_photos_for(user, session_id)
    return {
        "session": session.pk,
        "photos": [
            photo_json(
                photo,
                reverse("api:photo_read", args=[photo.pk]),
                reverse("api:photo_thumbnail_read", args=[photo.pk]),
            )
            for photo in photos
        ],
    }


@router.get(
    "/photos/{photo_id}",
    summary="One session photo (JPEG)",
    response={**errors(404, 422)},
    openapi_extra=JPEG,
)
def photo_read(request: HttpRequest, photo_id: int) -> HttpResponse:
    user = api_user_with_role(request, EVERY_ROLE, SIGNED_IN_ONLY)
    return HttpResponse(stored_photo(photo_for(user, photo_id).image), content_type="image/jpeg")


@router.get(
    "/photos/{photo_id}/thumbnail",
    summary="One session photo's thumbnail (JPEG)",
    response={**errors(404, 422)},
    openapi_extra=JPEG,
)
def photo_thumbnail_read(request: HttpRequest, photo_id: int) -> HttpResponse:
    user = api_user_with_role(request, EVERY_ROLE, SIGNED_IN_ONLY)
    photo = photo_for(user, photo_id)
    return HttpResponse(stored_photo(photo.thumbnail), content_type="image/jpeg")
