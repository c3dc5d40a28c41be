"""The clinic admin's pages for rooms, practitioners, hours and closed days."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import SignedInRequest, admin_required
from mesoclinic.clinics.domain import (
    closure_add,
    closure_remove,
    opening_hours_save,
    practitioner_save,
    room_save,
)
from mesoclinic.clinics.forms import (
    ClosureForm,
    OpeningHoursFormSet,
    PractitionerForm,
    PractitionerUserForm,
    RoomForm,
    WorkingHoursFormSet,
)
from mesoclinic.clinics.models import ClinicClosure, Practitioner, Room


@admin_required
def room_list(request: SignedInRequest) -> HttpResponse:
    rooms = Room.objects.filter(clinic=request.user.clinic)
    return render(request, "clinics/room_list.html", {"rooms": rooms})


@admin_required
def room_edit(request: SignedInRequest, room_id: int | None = None) -> HttpResponse:
    room = None
    if room_id is not None:
        room = get_object_or_404(Room, pk=room_id, clinic=request.user.clinic)
    form = RoomForm(request.POST or None, instance=room, clinic=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        clinic = request.user.clinic
        saved = room_save(clinic=clinic, room=room, **form.cleaned_data, by=request.user)
        messages.success(request, f"Saved room {saved}.")
        return redirect("clinics:rooms")
    return render(request, "clinics/room_form.html", {"form": form, "room": room})


@admin_required
def practitioner_list(request: SignedInRequest) -> HttpResponse:
    practitioners = (
        Practitioner.objects.filter(clinic=request.user.clinic)
        .select_related("user")
        .prefetch_related("working_hours")
    )
    return render(request, "clinics/practitioner_list.html", {"practitioners": practitioners})


@admin_required
def practitioner_edit(request: SignedInRequest, practitioner_id: int | None = None) -> HttpResponse:
    clinic = request.user.clinic
    practitioner = Practitioner(clinic=clinic)
    if practitioner_id is not None:
        practitioner = get_object_or_404(
            Practitioner.objects.select_related("user"), pk=practitioner_id, clinic=clinic
        )
    data = request.POST or None
    user_form = PractitionerUserForm(
        data, instance=practitioner.user if practitioner.pk else None, clinic=clinic, prefix="user"
    )
    practitioner_form = PractitionerForm(data, instance=practitioner, prefix="practitioner")
    hours = WorkingHoursFormSet(data, instance=practitioner, prefix="hours")
    forms_valid = all([user_form.is_valid(), practitioner_form.is_valid(), hours.is_valid()])
    if request.method == "POST" and forms_valid:
        saved = practitioner_save(
            clinic=clinic,
            practitioner=practitioner if practitioner.pk else None,
            **user_form.cleaned_data,
            **practitioner_form.cleaned_data,
            hours=hours.periods(),
            by=request.user,
        )
        messages.success(request, f"Saved practitioner {saved}.")
        return redirect("clinics:practitioners")
    context = {
        "user_form": user_form,
        "practitioner_form": practitioner_form,
        "hours": hours,
        "practitioner": practitioner if practitioner.pk else None,
    }
    return render(request, "clinics/practitioner_form.html", context)


@admin_required
def opening_hours_edit(request: SignedInRequest) -> HttpResponse:
    formset = OpeningHoursFormSet(
        request.POST or None, instance=request.user.clinic, prefix="hours"
    )
    if request.method == "POST" and formset.is_valid():
        opening_hours_save(clinic=request.user.clinic, hours=formset.periods(), by=request.user)
        messages.success(request, "Saved the opening hours.")
        return redirect("clinics:opening-hours")
    return render(request, "clinics/opening_hours_form.html", {"hours": formset})


@admin_required
def closures(request: SignedInRequest) -> HttpResponse:
    """The clinic's coming closed days, and a form to add one."""
    clinic = request.user.clinic
    form = ClosureForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        closure = closure_add(clinic=clinic, **form.cleaned_data, by=request.user)
        messages.success(request, f"The clinic is closed on {closure.day:%a %d %b %Y}.")
        # The calendar lists what is still booked that day, to move each or all.
        return redirect("scheduling:closure", closure.pk)
    today = timezone.localdate(timezone=clinic.tzinfo)
    coming = ClinicClosure.objects.filter(clinic=clinic, day__gte=today)
    return render(request, "clinics/closures.html", {"form": form, "closures": coming})


@admin_required
@require_POST
def closure_delete(request: SignedInRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(ClinicClosure, pk=closure_id, clinic=request.user.clinic)
    closure_remove(closure=closure, by=request.user)
    messages.success(request, f"The clinic is open again on {closure.day:%a %d %b %Y}.")
    return redirect("clinics:closures")
