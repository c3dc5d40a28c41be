"""The practitioners' follow-up inbox, a report's page, and a report taken down on the phone."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required
from mesoclinic.followup.access import report_for
from mesoclinic.followup.domain.reports import (
    ReportRefused,
    report_acknowledge,
    report_assess,
    report_book_appointment,
    report_close,
    side_effect_report,
)
from mesoclinic.followup.forms import AssessmentForm, FollowUpBookingForm, SideEffectForm
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.followup.photos import PhotoRefused
from mesoclinic.followup.queries import inbox_reports
from mesoclinic.patients.access import get_patient_for
from mesoclinic.scheduling.domain.appointments import AppointmentRefused, NoFreeSlot
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.treatments.views.photos import photo_response

NO_PHOTO = "This report has no photo."
BOOKED = "Consultation booked: {start:%a %d %b %H:%M} with {practitioner}."
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
    """One report: acknowledge it, assess it, book a consultation from it, close it."""
    found = report_for(request.user, report_id, purpose="side-effect report")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = AssessmentForm(request.POST if action == "assess" else None)
    booking = FollowUpBookingForm(request.POST if action == "book" else None)
    if action:
        try:
            done = _report_step(request, found, action, form, booking)
        except (ReportRefused, AppointmentRefused, NoFreeSlot, SlotTaken) as refused:
            messages.error(request, str(refused))
            return redirect("followup:report", report_id=found.pk)
        if done:
            messages.success(request, done)
            return redirect("followup:report", report_id=found.pk)
    context = {"report": found, "form": form, "booking": booking}
    return render(request, "followup/report.html", context)


def _report_step(
    request: SignedInRequest,
    found: SideEffectReport,
    action: str,
    form: AssessmentForm,
    booking: FollowUpBookingForm,
) -> str:
    """Take the step the button asked for; returns what was done, or "" when a form is wrong."""
    if action == "acknowledge":
        report_acknowledge(report=found, by=request.user)
    elif action == "assess" and form.is_valid():
        report_assess(report=found, by=request.user, **form.cleaned_data)
    elif action == "book" and booking.is_valid():
        booked = report_book_appointment(report=found, by=request.user, **booking.cleaned_data)
        start = booked.start.astimezone(found.clinic.tzinfo)
        return BOOKED.format(start=start, practitioner=booked.practitioner)
    elif action == "close":
        report_close(report=found, by=request.user)
    else:
        return ""
    return DONE[action]


@clinical_staff_required
def report_photo(request: SignedInRequest, report_id: int) -> HttpResponse:
    """The report's photo, only through its patient's permission check."""
    found = report_for(request.user, report_id, purpose="side-effect photo")
    if not found.photo:
        raise Http404(NO_PHOTO)
    return photo_response(found.photo)


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
