"""A closed day's appointments: listed when the day is closed, each (or all) moved on."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from mesoclinic.accounts.permissions import SignedInRequest, staff_required
from mesoclinic.audit.domain import audit_event, audit_list_shown
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import ClinicClosure
from mesoclinic.patients.access import LARGEST_ID
from mesoclinic.scheduling.domain.appointments import NoFreeSlot, consultation_move_next_free
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.moves import MoveRefused, session_move_next_free
from mesoclinic.scheduling.models import Appointment, AppointmentKind


def _closure(request: SignedInRequest, closure_id: int) -> ClinicClosure:
    closure = (
        ClinicClosure.objects.filter(pk=closure_id, clinic=request.user.clinic).first()
        if 0 < closure_id < LARGEST_ID
        else None
    )
    if closure is None:
        raise Http404("No such closed day in your clinic.")
    closure.clinic = request.user.clinic
    return closure


def _on_the_day(closure: ClinicClosure) -> list[Appointment]:
    tz = closure.clinic.tzinfo
    start = datetime.combine(closure.day, time(), tzinfo=tz)
    return list(
        Appointment.objects.holding()
        .filter(clinic=closure.clinic, start__gte=start, start__lt=start + timedelta(days=1))
        .select_related("patient", "practitioner__user", "room", "clinic", "course")
    )


@staff_required
def closure_appointments(request: SignedInRequest, closure_id: int) -> HttpResponse:
    """The appointments still on a closed day, each to move to the next free time, or all."""
    closure = _closure(request, closure_id)
    appointments = _on_the_day(closure)
    if request.method == "POST":
        wanted = request.POST.get("appointment", "")
        chosen = [a for a in appointments if wanted == "all" or str(a.pk) == wanted]
        for appointment in chosen:
            _move(request, appointment)
        return redirect("scheduling:closure", closure.pk)
    summary = f"appointments on the closed day {closure.day}"
    audit_list_shown(
        by=request.user,
        patients=(a.patient for a in appointments),
        summary=summary,
        listing=audit_event(by=request.user, action=Action.READ, obj=closure, summary=summary),
    )
    context = {"closure": closure, "appointments": appointments}
    return render(request, "scheduling/closure.html", context)


def _move(request: SignedInRequest, appointment: Appointment) -> None:
    tz = appointment.clinic.tzinfo
    try:
        if appointment.kind == AppointmentKind.SESSION:
            moved = session_move_next_free(session=appointment, by=request.user)[0]
        else:
            moved = consultation_move_next_free(appointment=appointment, by=request.user)
    except (MoveRefused, NoFreeSlot, SlotTaken) as refused:
        messages.error(request, f"{appointment.patient}: {refused}")
        return
    messages.success(
        request,
        f"{moved.patient}: moved to {moved.start.astimezone(tz):%a %d %b %Y %H:%M} "
        f"with {moved.practitioner}.",
    )
