"""The practitioners' follow-up inbox, a report's page, and a report taken down on the phone."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required
from mesoclinic.followup.access import report_for
from mesoclinic.followup.domain.reports import (
    ReportRefused,
    report_acknowledge,
    report_assess,
    report_close,
    side_effect_report,
)
from mesoclinic.followup.forms import AssessmentForm, SideEffectForm
from mesoclinic.followup.photos import PhotoRefused
from mesoclinic.followup.queries import inbox_reports
from mesoclinic.patients.access import get_patient_for

DONE = {
    "acknowledge": "Acknowledged: the patient's report no longer escalates.",
    "assess": "Assessment saved.",
    "close": "Closed.",
}


@clinical_staff_required
def inbox(request: SignedInRequest) -> HttpResponse:
    """Open review and urgent reports, urgent first, oldest first."""
    today = timezone.localdate(timezone=request.user.clinic.tzinfo)
    reports = list(inbox_reports(request.user, today))
    return render(request, "followup/inbox.html", {"reports": reports})


@clinical_staff_required
def report(request: SignedInRequest, report_id: int) -> HttpResponse:
    """One report: acknowledge it, write the assessment and advice, close it."""
    found = report_for(request.user, report_id, purpose="side-effect report")
    form = AssessmentForm(request.POST if request.POST.get("action") == "assess" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "acknowledge":
                report_acknowledge(report=found, by=request.user)
            elif action == "assess" and form.is_valid():
                report_assess(report=found, by=request.user, **form.cleaned_data)
            elif action == "close":
                report_close(report=found, by=request.user)
            else:
                return render(request, "followup/report.html", {"report": found, "form": form})
        except ReportRefused as refused:
            messages.error(request, str(refused))
            return redirect("followup:report", report_id=found.pk)
        messages.success(request, DONE[action])
        return redirect("followup:report", report_id=found.pk)
    return render(request, "followup/report.html", {"report": found, "form": form})


@clinical_staff_required
def report_photo(request: SignedInRequest, report_id: int) -> HttpResponse:
    """The report's photo, only through its patient's permission check."""
    found = report_for(request.user, report_id, purpose="side-effect photo")
    response = HttpResponse(bytes(found.photo), content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


@clinical_staff_required
def report_by_phone(request: SignedInRequest, patient_id: int) -> HttpResponse:
    """A side effect a patient told the clinic about on the phone."""
    patient = get_patient_for(request.user, patient_id, purpose="side-effect report by phone")
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    form = SideEffectForm(request.POST or None, request.FILES or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            made = side_effect_report(patient=patient, by=request.user, **form.cleaned_data)
        except (ReportRefused, PhotoRefused) as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("followup:report", report_id=made.pk)
    return render(request, "followup/report_new.html", {"form": form, "patient": patient})
