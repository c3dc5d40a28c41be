"""Planning a course from the patient's chart, the course page, moving and cancelling sessions."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import SignedInRequest, staff_required
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.access import course_for, session_of
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import (
    CourseFinished,
    CourseIncomplete,
    course_book,
    course_cancel,
)
from mesoclinic.scheduling.domain.moves import MoveRefused, session_move, session_move_times
from mesoclinic.scheduling.forms import BookCourseForm, MoveSessionForm, PlanCourseForm
from mesoclinic.scheduling.gate import BookingRefused, screening_for_booking
from mesoclinic.scheduling.proposals import (
    CourseProposal,
    proposal_key,
    proposal_windows,
    propose_course,
)

CHANGED = (
    "The calendar changed since this proposal was made; here is the new one. Nothing was booked."
)


@staff_required
def course_planner(request: SignedInRequest, patient_id: int) -> HttpResponse:
    """Plan a course (shown whole, with what could not be placed) and book it in one action."""
    patient = get_patient_for(request.user, patient_id, purpose="plan course")
    form = PlanCourseForm(request.POST or None, clinic=patient.clinic, initial=_initial(request))
    context: dict[str, Any] = {"patient": patient, "form": form}
    if request.method == "POST" and form.is_valid():
        proposal = _propose(patient, form)
        book = BookCourseForm(
            request.POST if "book" in request.POST else None,
            initial={"proposal": proposal_key(proposal)},
        )
        context.update(_proposal_context(request, proposal, book))
        if "book" in request.POST:
            booked = _book(request, proposal, book, context)
            if booked is not None:
                return booked
    template = (
        "scheduling/_proposal.html"
        if request.headers.get("HX-Request")
        else "scheduling/plan_course.html"
    )
    return render(request, template, context)


def _initial(request: SignedInRequest) -> dict[str, Any]:
    return {"first_day": timezone.localdate(timezone=request.user.clinic.tzinfo)}


def _propose(patient: Patient, form: PlanCourseForm) -> CourseProposal:
    data = form.cleaned_data
    protocol, template = template_named(data["template"])
    return propose_course(
        patient,
        protocol,
        template,
        data["first_day"],
        areas=tuple(data["areas"]),
        preferences=form.preferences(),
        sessions=data["sessions"],
    )


def _proposal_context(
    request: SignedInRequest, proposal: CourseProposal, book: BookCourseForm
) -> dict[str, Any]:
    sessions = proposal.placement.sessions
    on = sessions[0].slot.start.date() if sessions else proposal.first_days[0]
    verdict, findings = screening_for_booking(proposal.patient, proposal.protocol.id, on)
    return {
        "proposal": proposal,
        "total": len(proposal.placement.sessions) + len(proposal.placement.unplaced),
        "windows": proposal_windows(proposal),
        "verdict": verdict.value,
        # Reception books courses but never sees what the screening found.
        "findings": findings if request.user.sees_clinical_notes else [],
        "book": book,
        "may_override": request.user.role == Role.PRACTITIONER,
        "action": reverse("scheduling:plan-course", args=[proposal.patient.pk]),
        "unplanned": True,
    }


def _book(
    request: SignedInRequest,
    proposal: CourseProposal,
    book: BookCourseForm,
    context: dict[str, Any],
) -> HttpResponse | None:
    """Book the proposal the person saw; on refusal, say why in the context and return None."""
    if not book.is_valid() or book.cleaned_data["proposal"] != proposal_key(proposal):
        context["book_error"] = CHANGED
        context["book"] = BookCourseForm(initial={"proposal": proposal_key(proposal)})
        return None
    try:
        course = course_book(
            proposal=proposal,
            by=request.user,
            override_reason=book.cleaned_data["override_reason"],
            unplanned_reason=book.cleaned_data["unplanned_reason"],
        )
    except (CourseIncomplete, SlotTaken, BookingRefused) as refused:
        context["book_error"] = str(refused)
        return None
    messages.success(
        request, f"Booked {len(proposal.placement.sessions)} sessions for {proposal.patient}."
    )
    url = reverse("scheduling:course", args=[course.pk])
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@staff_required
def course_detail(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The course: its screening, any override and why, and its sessions with move and cancel."""
    course = course_for(request.user, course_id)
    sessions = course.sessions.select_related("practitioner__user", "room").order_by(
        "number", "start"
    )
    context = {"course": course, "sessions": sessions, "move_form": MoveSessionForm()}
    return render(request, "scheduling/course.html", context)


@staff_required
@require_POST
def session_move_view(request: SignedInRequest, course_id: int, number: int) -> HttpResponse:
    """Move one session, alone or with the following ones, to a time chosen on the new day."""
    course = course_for(request.user, course_id, purpose="move session")
    session = session_of(course, number)
    form = MoveSessionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            said = " ".join(map(str, errors))
            messages.error(request, f"{form.fields[field].label or field}: {said}")
        return redirect("scheduling:course", course.pk)
    data = form.cleaned_data
    following = data["scope"] == "following"
    try:
        if data["start"] is None:
            times = session_move_times(session=session, day=data["day"], following=following)
            context = {"course": course, "session": session, "times": times, "form": data}
            return render(request, "scheduling/move_times.html", context)
        session_move(
            session=session,
            day=data["day"],
            following=following,
            start=data["start"],
            practitioner_id=data["practitioner"],
            by=request.user,
        )
    except (MoveRefused, SlotTaken) as refused:
        messages.error(request, str(refused))
    else:
        scope = " and the following sessions" if following else ""
        messages.success(request, f"Moved session {number}{scope}.")
    return redirect("scheduling:course", course.pk)


@staff_required
@require_POST
def course_cancel_view(request: SignedInRequest, course_id: int) -> HttpResponse:
    course = course_for(request.user, course_id, purpose="cancel course")
    try:
        freed = course_cancel(course=course, by=request.user)
    except CourseFinished as finished:
        messages.error(request, str(finished))
    else:
        messages.success(request, f"Cancelled the course; {freed} future sessions were freed.")
    return redirect("scheduling:course", course.pk)
