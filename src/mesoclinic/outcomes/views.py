"""Scoring a course (practitioner and patient) and reception's list of recalls due."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import (
    SignedInRequest,
    clinical_staff_required,
    patient_required,
    staff_required,
)
from mesoclinic.audit.domain import audit_patients_shown
from mesoclinic.outcomes.domain.scores import ScoreRefused, gais_record
from mesoclinic.outcomes.forms import ScoreForm, SessionScoreForm
from mesoclinic.outcomes.models import Rater
from mesoclinic.outcomes.queries import (
    before_after,
    completed_courses,
    course_scores,
    recalls_due,
    scores_by_course,
    session_scores,
)
from mesoclinic.patients.access import get_patient_for
from mesoclinic.scheduling.access import course_for
from mesoclinic.scheduling.models import AppointmentStatus


@clinical_staff_required
def course_score(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The practitioner's GAIS score of a completed course, and the patient's beside it."""
    course = course_for(request.user, course_id, purpose="GAIS score")
    taken = {s.pk: s for s in course.sessions.filter(status=AppointmentStatus.COMPLETED)}
    after = "session" if "session-session" in request.POST else ""
    form = ScoreForm(request.POST if request.POST and not after else None)
    session_form = SessionScoreForm(
        request.POST if after else None,
        sessions=[(pk, f"Session {s.number}, {s.start:%d %b %Y}") for pk, s in taken.items()],
    )
    done = form if not after else session_form
    if request.method == "POST" and done.is_valid():
        try:
            gais_record(
                course=course,
                score=done.cleaned_data["score"],
                session=taken[done.cleaned_data["session"]] if after else None,
                by=request.user,
            )
        except ScoreRefused as refused:
            done.add_error(None, str(refused))
        else:
            messages.success(request, "Score kept.")
            return redirect("outcomes:course-score", course.pk)
    context = {
        "course": course,
        "scores": course_scores(course),
        "form": form,
        "session_form": session_form,
        "session_scores": session_scores(course),
    }
    return render(request, "outcomes/course_score.html", context)


@patient_required
def my_outcomes(request: SignedInRequest) -> HttpResponse:
    """The patient's completed courses, each to score once."""
    own = getattr(request.user, "patient", None)
    patient = get_patient_for(request.user, own.pk if own else 0, purpose="outcomes")
    scores = scores_by_course(patient, Rater.PATIENT)
    courses = [(course, scores.get(course.pk)) for course in completed_courses(patient)]
    context = {"patient": patient, "courses": courses, "form": ScoreForm()}
    return render(request, "outcomes/portal_outcomes.html", context)


@require_POST
@patient_required
def my_course_score(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The patient scores one of their completed courses."""
    course = course_for(request.user, course_id, purpose="GAIS score in the portal")
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the five answers.")
        return redirect("outcomes-portal:outcomes")
    try:
        gais_record(course=course, score=form.cleaned_data["score"], by=request.user)
    except ScoreRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Thank you: your score was sent to the clinic.")
    return redirect("outcomes-portal:outcomes")


@clinical_staff_required
def patient_before_after(request: SignedInRequest, patient_id: int) -> HttpResponse:
    """The patient's first and latest photos of each standard view, side by side."""
    patient = get_patient_for(request.user, patient_id, purpose="before and after photos")
    context = {"patient": patient, "pairs": before_after(patient), "portal": False}
    return render(request, "outcomes/before_after.html", context)


@patient_required
def my_before_after(request: SignedInRequest) -> HttpResponse:
    """The patient's own before and after, where their consent allows photos."""
    own = getattr(request.user, "patient", None)
    patient = get_patient_for(request.user, own.pk if own else 0, purpose="before and after")
    context = {"patient": patient, "pairs": before_after(patient), "portal": True}
    return render(request, "outcomes/before_after.html", context)


@staff_required
def recalls(request: SignedInRequest) -> HttpResponse:
    """Patients whose maintenance recall is due and who have not booked since, oldest first."""
    due = list(recalls_due(request.user, timezone.now()))
    audit_patients_shown(
        by=request.user, patients=[r.patient for r in due], summary="maintenance recalls due"
    )
    return render(request, "outcomes/recalls.html", {"recalls": due})
