"""The patient's own pages: the intake questionnaire, signed in or through a one-time link."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mesoclinic.accounts.permissions import SignedInRequest, patient_required
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.domain import IntakeLinkUnusable, intake_submit
from mesoclinic.patients.intake import IntakeForm, questionnaire
from mesoclinic.patients.models import IntakeLink, token_digest
from mesoclinic.scheduling.access import course_for
from mesoclinic.treatments.models import Consent, SignedVia
from mesoclinic.treatments.views.consent import consent_signing

LINK_GONE = 410
LINK_PROBLEMS = {
    "unknown": "This link is not valid. Check that you copied all of it.",
    "used": "This link has been used already: the clinic has your answers.",
    "expired": "This link has expired.",
}


@patient_required
def intake(request: SignedInRequest) -> HttpResponse:
    # A patient account whose record was removed finds nothing, like any other missing record.
    own = getattr(request.user, "patient", None)
    patient = get_patient_for(request.user, own.pk if own else 0, purpose="intake")
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake_submit(patient=patient, answers=form.cleaned_data, by=request.user)
        messages.success(request, "Thank you: your answers were sent to the clinic.")
        return redirect("home")
    return render(request, "portal/intake.html", intake_context(form, patient))


def intake_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire for a patient who opened a one-time link; no sign-in needed."""
    links = IntakeLink.objects.select_related("patient__clinic")
    link = links.filter(token_digest=token_digest(token)).first()
    problem = link_problem(link)
    if link is None or problem:
        return link_refused(request, problem)
    patient = link.patient
    audit_record(
        by=None,
        action=Action.READ,
        obj=patient,
        summary="intake link opened",
        patient_id=patient.pk,
    )
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intake_submit(patient=patient, answers=form.cleaned_data, by=None, link_token=token)
        except IntakeLinkUnusable:
            return link_refused(request, "used")
        return render(request, "portal/intake_done.html", {"clinic": patient.clinic})
    return render(request, "portal/intake.html", intake_context(form, patient))


def link_problem(link: IntakeLink | None) -> str:
    """Why a link cannot be used, or "" when it can."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    return ""


def link_refused(request: HttpRequest, problem: str) -> HttpResponse:
    context = {"problem": LINK_PROBLEMS[problem]}
    return render(request, "portal/intake_link_refused.html", context, status=LINK_GONE)


def intake_context(form: IntakeForm, patient: object) -> dict[str, object]:
    return {"form": form, "patient": patient, "questionnaire": questionnaire()}


@patient_required
def consent(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The patient reads and signs the consent for their course before the session."""
    course = course_for(request.user, course_id, purpose="consent in the portal")
    signed = consent_signing(request, course, SignedVia.PORTAL, "portal/consent.html")
    if isinstance(signed, Consent):
        messages.success(request, "Thank you: your consent was signed and sent to the clinic.")
        return redirect("portal:consent", course.pk)
    return signed
