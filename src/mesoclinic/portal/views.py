"""The patient's own pages: the intake questionnaire, preparation and aftercare."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mesoclinic.accounts.permissions import SignedInRequest, patient_required
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.followup.access import report_for
from mesoclinic.followup.domain.reports import ReportRefused, side_effect_report
from mesoclinic.followup.forms import SideEffectForm
from mesoclinic.followup.handouts import aftercare_to_ical, pdf_from
from mesoclinic.followup.photos import PhotoRefused
from mesoclinic.followup.queries import (
    last_session_ended,
    patient_reports,
    session_aftercare,
    session_preparation,
    sessions_preparation,
    still_applies,
    treatment_end,
    upcoming_sessions,
)
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.domain import IntakeLinkUnusable, intake_submit
from mesoclinic.patients.intake import IntakeForm, questionnaire
from mesoclinic.patients.models import IntakeLink, Patient, token_digest
from mesoclinic.scheduling.access import NO_SESSION, appointment_for, course_for
from mesoclinic.scheduling.models import Appointment, AppointmentKind
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


def own_patient(request: SignedInRequest, purpose: str) -> Patient:
    """The signed-in patient's own record, through the one permission check (audited)."""
    # A patient account whose record was removed finds nothing, like any other missing record.
    own = getattr(request.user, "patient", None)
    return get_patient_for(request.user, own.pk if own else 0, purpose=purpose)


def own_session(request: SignedInRequest, appointment_id: int, purpose: str) -> Appointment:
    """One of the signed-in patient's sessions, through the patient's permission check."""
    session = appointment_for(request.user, appointment_id, purpose=purpose)
    if session.kind != AppointmentKind.SESSION:
        raise Http404(NO_SESSION)
    return session


@patient_required
def sessions(request: SignedInRequest) -> HttpResponse:
    """Each session to come with its preparation, dated from its booked start."""
    patient = own_patient(request, "preparation")
    shown = sessions_preparation(patient, upcoming_sessions(patient, timezone.now()))
    return render(request, "portal/sessions.html", {"patient": patient, "sessions": shown})


@patient_required
def preparation_pdf(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    session = own_session(request, appointment_id, "preparation handout")
    context = {
        "session": session,
        "clinic": session.clinic,
        "patient": session.patient,
        "steps": session_preparation(session),
    }
    return pdf_response(
        pdf_from("followup/preparation_pdf.html", context), f"preparation-{session.pk}"
    )


@patient_required
def aftercare(request: SignedInRequest) -> HttpResponse:
    """What still applies after the last session, and until when."""
    patient = own_patient(request, "aftercare")
    now = timezone.now()
    session = last_session_ended(patient, now)
    steps = session_aftercare(session) if session is not None else []
    context = {
        "patient": patient,
        "session": session,
        "ended": treatment_end(session) if session is not None else None,
        "steps": still_applies(steps, now),
        "over": len(steps) - len(still_applies(steps, now)),
    }
    return render(request, "portal/aftercare.html", context)


@patient_required
def aftercare_pdf(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    session = own_session(request, appointment_id, "aftercare handout")
    context = {
        "session": session,
        "clinic": session.clinic,
        "patient": session.patient,
        "ended": treatment_end(session),
        "steps": session_aftercare(session),
    }
    return pdf_response(pdf_from("followup/aftercare_pdf.html", context), f"aftercare-{session.pk}")


@patient_required
def aftercare_ical(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    session = own_session(request, appointment_id, "aftercare calendar file")
    body = aftercare_to_ical(session, session_aftercare(session), timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aftercare-{session.pk}.ics"'
    return response


def pdf_response(document: bytes, name: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@patient_required
def side_effect_new(request: SignedInRequest) -> HttpResponse:
    """Report a side effect; the answer says at once what to do."""
    patient = own_patient(request, "side-effect report")
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    form = SideEffectForm(request.POST or None, request.FILES or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            report = side_effect_report(patient=patient, by=request.user, **form.cleaned_data)
        except (ReportRefused, PhotoRefused) as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("portal:side-effect", report_id=report.pk)
    context = {"form": form, "patient": patient, "reports": list(patient_reports(patient))}
    return render(request, "portal/side_effect_new.html", context)


@patient_required
def side_effect(request: SignedInRequest, report_id: int) -> HttpResponse:
    """What the patient's report means: when it should pass, or to call the clinic now."""
    report = report_for(request.user, report_id, purpose="side-effect report")
    return render(request, "portal/side_effect.html", {"report": report, "clinic": report.clinic})
