"""Lot recall: who received a lot, and marking it recalled to call them for follow-up."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.inventory.access import lot_for
from mesoclinic.inventory.domain import InventoryRefused, lot_set_status
from mesoclinic.inventory.models import LotStatus
from mesoclinic.treatments.queries import lot_recipients, recipients_shown


class RecallForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Why the lot is recalled")


@clinical_staff_required
def lot_recall(request: SignedInRequest, lot_id: int) -> HttpResponse:
    """The patients who received the lot; the clinic admin marks it recalled here."""
    lot = lot_for(request.user, lot_id)
    form = RecallForm(request.POST or None)
    if request.method == "POST":
        if request.user.role != Role.ADMIN:
            raise PermissionDenied("Only the clinic admin recalls a lot.")
        if form.is_valid():
            try:
                lot_set_status(
                    lot=lot,
                    status=LotStatus.RECALLED,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except InventoryRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Lot {lot.number} recalled: call the patients below.")
                return redirect("treatments:lot-recall", lot.pk)
    recipients = lot_recipients([lot.pk])
    audit_list_shown(
        by=request.user,
        patients=recipients_shown(lot.clinic_id, recipients),
        summary=f"lot recall list: lot {lot.number}",
    )
    patients = len({recipient.patient_id for recipient in recipients})
    context = {"lot": lot, "recipients": recipients, "patients": patients, "form": form}
    return render(request, "treatments/lot_recall.html", context)
