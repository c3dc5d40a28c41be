"""The scheduling API: plan a course, and book it, exactly as `mesoclinic plan-course` does."""

from datetime import date
from typing import Annotated, Any, Literal, get_args

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from mesoclinic.accounts.models import STAFF_ROLES, TokenScope, User
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.api_errors import errors
from mesoclinic.clinical.planner import Preferences, TimeOfDay
from mesoclinic.clinical.protocols import UnknownProtocol
from mesoclinic.patients.queries import PatientNotFound, find_patient
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import CourseIncomplete, course_book
from mesoclinic.scheduling.gate import BookingRefused
from mesoclinic.scheduling.proposals import CourseProposal, proposal_to_json, propose_course

router = Router(tags=["scheduling"])
STAFF_ONLY = "Only clinic staff can plan and book courses."
# More than any template offers; the template's own range is checked when planning.
MOST_SESSIONS = 20


DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES: tuple[DayName, ...] = get_args(DayName)


class PlanRequest(Schema):
    patient: str = Field(
        pattern=r"^[A-Za-z0-9.-]{1,64}$",
        description="internal id or the FHIR id the patient was imported with",
    )
    template: str = Field(
        pattern=r"^[a-z0-9-]{1,40}(/[a-z0-9-]{1,40})?$",
        description="a protocol id (its default course) or protocol/template",
    )
    first: date = Field(alias="from", description="the first possible date")
    areas: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default=["face"], min_length=1, max_length=10
    )
    sessions: StrictInt | None = Field(
        default=None,
        ge=1,
        le=MOST_SESSIONS,
        description="how many sessions, within the template's range (422 outside it); "
        "default: the template's most",
    )
    same_practitioner: StrictBool = True
    time_of_day: TimeOfDay = TimeOfDay.ANY
    weekdays: list[DayName] = Field(
        default=list(DAY_NAMES), min_length=1, description="the days a session may fall on"
    )


class BookRequest(PlanRequest):
    override_reason: str = Field(default="", max_length=1000)
    unplanned_reason: str = Field(
        default="",
        max_length=1000,
        description="a practitioner's reason for booking without a signed consultation; a "
        "course that follows one is booked at /api/v1/treatments/plans/{id}/book",
    )


@router.post(
    "/courses/plan",
    summary="Plan the earliest course (nothing is booked)",
    response={200: dict[str, Any], **errors(404, 422)},
)
def plan(request: HttpRequest, body: PlanRequest) -> dict[str, Any]:
    user = api_user_with_role(request, STAFF_ROLES, STAFF_ONLY)
    return proposal_to_json(_propose(user, body))


@router.post(
    "/courses/book",
    summary="Plan and book the whole course, or nothing",
    response={201: dict[str, Any], **errors(404, 409, 422)},
)
def book(request: HttpRequest, body: BookRequest) -> Status[dict[str, Any]]:
    user = api_user_with_role(request, STAFF_ROLES, STAFF_ONLY, scope=TokenScope.BOOK)
    planned = _propose(user, body)
    try:
        course = course_book(
            proposal=planned,
            by=user,
            override_reason=body.override_reason,
            unplanned_reason=body.unplanned_reason,
        )
    except SlotTaken as taken:
        raise HttpError(409, str(taken)) from None
    except (CourseIncomplete, BookingRefused) as refused:
        raise HttpError(422, str(refused)) from None
    return Status(201, {"course": course.pk, **proposal_to_json(planned)})


def _propose(user: User, body: PlanRequest) -> CourseProposal:
    try:
        patient = find_patient(user, body.patient, purpose="plan course")
    except PatientNotFound as missing:
        raise HttpError(404, str(missing)) from None
    try:
        protocol, template = template_named(body.template)
        preferences = Preferences(
            same_practitioner=body.same_practitioner,
            time_of_day=body.time_of_day,
            weekdays=frozenset(DAY_NAMES.index(day) for day in body.weekdays),
        )
        return propose_course(
            patient,
            protocol,
            template,
            body.first,
            areas=tuple(body.areas),
            preferences=preferences,
            sessions=body.sessions,
        )
    except (UnknownProtocol, LookupError, ValueError) as error:
        raise HttpError(422, str(error)) from None
