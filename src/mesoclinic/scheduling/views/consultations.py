"""Booking a consultation from the chart; an appointment's page, its status and its .ics file."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import SignedInRequest, signed_in_required, staff_required
from mesoclinic.clinical.slots import CONSULTATION_MINUTES, SEARCH_DAYS, first_free_day
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.access import appointment_for
from mesoclinic.scheduling.domain.appointments import (
    AppointmentRefused,
    NoFreeSlot,
    appointment_set_status,
    consultation_book,
    status_changes,
)
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.forms import ConsultationBookForm, ConsultationSearchForm
from mesoclinic.scheduling.ical import appointments_to_ical
from mesoclinic.scheduling.queries import consultation_availability

NOT_SHOWN = "That time was not one of those shown; choose one of the free times below."
QUESTIONS = {
    "arrived": "Mark the patient as arrived?",
    "noshow": "Mark the patient as absent (no-show)?",
    "cancelled": "Cancel this appointment and free its time?",
}
DONE = {
    "arrived": "{patient} has arrived.",
    "noshow": "{patient} did not come: marked as a no-show.",
    "cancelled": "Cancelled; the time is free again.",
}


@staff_required
def book_consultation(request: SignedInRequest, patient_id: int) -> HttpResponse:
    """Pick a day and a practitioner (or anyone), see every free time of the day, book one.

    When the day has none, the first day after it that has some is shown, and says so.
    """
    patient = get_patient_for(request.user, patient_id, purpose="book consultation")
    tomorrow = timezone.localdate(timezone=patient.clinic.tzinfo) + timedelta(days=1)
    search = ConsultationSearchForm(
        request.GET or {"day": tomorrow},
        clinic=patient.clinic,
        today=timezone.localdate(timezone=patient.clinic.tzinfo),
    )
    context: dict[str, Any] = {
        "patient": patient,
        "search": search,
        "slots": [],
        "minutes": CONSULTATION_MINUTES,
        "search_days": SEARCH_DAYS,
    }
    if request.method == "POST":
        booked = _book(request, patient, context)
        if booked is not None:
            return booked
    if search.is_valid():
        practitioner = search.cleaned_data["practitioner"]
        asked = search.cleaned_data["day"]
        days = (asked, asked + timedelta(days=SEARCH_DAYS))
        availability = consultation_availability(patient.clinic, patient.pk, days)
        context["day"], context["slots"] = first_free_day(
            availability,
            CONSULTATION_MINUTES,
            days,
            practitioner_id=practitioner.pk if practitioner else None,
        )
        context["asked"] = asked
    template = (
        "scheduling/_consultation_slots.html"
        if request.headers.get("HX-Request")
        else "scheduling/book_consultation.html"
    )
    return render(request, template, context)


def _book(
    request: SignedInRequest, patient: Patient, context: dict[str, Any]
) -> HttpResponse | None:
    """Book the time picked; on refusal, say why in the context and return None."""
    form = ConsultationBookForm(request.POST, clinic=patient.clinic)
    if not form.is_valid():
        context["book_error"] = NOT_SHOWN
        return None
    practitioner = form.cleaned_data["practitioner"]
    try:
        appointment = consultation_book(
            patient=patient,
            practitioner=practitioner,
            start=form.cleaned_data["start"],
            by=request.user,
        )
    except (SlotTaken, AppointmentRefused, NoFreeSlot) as refused:
        context["book_error"] = str(refused)
        return None
    start = appointment.start.astimezone(patient.clinic.tzinfo)
    messages.success(
        request,
        f"Booked a consultation for {patient} on {start:%a %d %b %Y %H:%M} with {practitioner}.",
    )
    return redirect("scheduling:appointment", appointment.pk)


@staff_required
def appointment_detail(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    """One appointment: when, who, where, and the status changes it may take now."""
    appointment = appointment_for(request.user, appointment_id, purpose="appointment")
    changes = [
        {"status": s, "question": QUESTIONS[s]}
        for s in status_changes(appointment=appointment, now=timezone.now())
    ]
    context = {"appointment": appointment, "changes": changes}
    return render(request, "scheduling/appointment.html", context)


@staff_required
@require_POST
def appointment_status(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    """Cancel the appointment, or mark its patient arrived or absent."""
    appointment = appointment_for(request.user, appointment_id, purpose="change appointment")
    try:
        changed = appointment_set_status(
            appointment=appointment,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except AppointmentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, DONE[changed.status].format(patient=changed.patient))
    return redirect("scheduling:appointment", appointment.pk)


@signed_in_required
def appointment_ical(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    """One appointment as an .ics file, for staff of the clinic or the patient."""
    appointment = appointment_for(request.user, appointment_id, purpose="appointment calendar file")
    staff = request.user.role != Role.PATIENT
    name = f"Mesotherapy {appointment.get_kind_display().lower()}"
    body = appointments_to_ical([appointment], name, staff=staff)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response
