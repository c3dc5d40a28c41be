"""The catalogue's pages: products for clinical staff, their editing and lots for the admin."""

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import (
    SignedInRequest,
    admin_required,
    clinical_staff_required,
)
from mesoclinic.inventory.access import lot_for, product_for
from mesoclinic.inventory.domain import (
    InventoryRefused,
    lot_receive,
    lot_set_status,
    product_save,
)
from mesoclinic.inventory.forms import LotReceiveForm, LotStatusForm, ProductEditForm
from mesoclinic.inventory.queries import NEAR_EXPIRY_DAYS, expiry_state, lots_of, products_of


def _today(request: SignedInRequest) -> date:
    return timezone.localdate(timezone=request.user.clinic.tzinfo)


@clinical_staff_required
def product_list(request: SignedInRequest) -> HttpResponse:
    """The catalogue: each product, its ingredients, what is in stock and expires next."""
    products = products_of(request.user.clinic)
    return render(request, "inventory/product_list.html", {"products": products})


@admin_required
def product_edit(request: SignedInRequest, product_id: int | None = None) -> HttpResponse:
    """Add a product, or change one."""
    clinic = request.user.clinic
    product = product_for(request.user, product_id) if product_id is not None else None
    initial = ProductEditForm.initial_for(product) if product else None
    form = ProductEditForm(request.POST or None, initial=initial, clinic=clinic, product=product)
    if request.method == "POST" and form.is_valid():
        saved = product_save(clinic=clinic, product=product, **form.cleaned_data, by=request.user)
        messages.success(request, f"Saved {saved}.")
        return redirect("inventory:products")
    lots = product.lots.order_by("expires", "pk") if product else []
    context = {"form": form, "product": product, "lots": lots}
    return render(request, "inventory/product_form.html", context)


@admin_required
def lot_receive_view(request: SignedInRequest, product_id: int) -> HttpResponse:
    """Receive a lot of a product into stock."""
    product = product_for(request.user, product_id)
    form = LotReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lot = lot_receive(
                product=product, **form.cleaned_data, on=_today(request), by=request.user
            )
        except InventoryRefused as refused:
            form.add_error("number", str(refused))
        else:
            messages.success(request, f"Received {lot.quantity_received} × {lot}.")
            return redirect("inventory:lots")
    return render(request, "inventory/lot_form.html", {"form": form, "product": product})


@clinical_staff_required
def lot_list(request: SignedInRequest) -> HttpResponse:
    """Every lot, soonest expiry first, with its stock and status; the admin holds or recalls."""
    today = _today(request)
    context = {
        "lots": [(lot, expiry_state(lot, today)) for lot in lots_of(request.user.clinic)],
        "near_days": NEAR_EXPIRY_DAYS,
        "status_form": LotStatusForm(),
    }
    return render(request, "inventory/lot_list.html", context)


@admin_required
@require_POST
def lot_status(request: SignedInRequest, lot_id: int) -> HttpResponse:
    """Quarantine, recall or release a lot."""
    lot = lot_for(request.user, lot_id)
    form = LotStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose available, quarantined or recalled.")
        return redirect("inventory:lots")
    try:
        lot_set_status(lot=lot, **form.cleaned_data, by=request.user)
    except InventoryRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{lot} is now {lot.get_status_display().lower()}.")
    return redirect("inventory:lots")
