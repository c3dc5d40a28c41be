"""The catalogue API: products and lots, as `mesoclinic products` and `receive-lot` show them."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from mesoclinic.accounts.models import CLINICAL_ROLES, Role, TokenScope
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.api_errors import errors
from mesoclinic.inventory.access import lot_for, product_for
from mesoclinic.inventory.domain import (
    InventoryRefused,
    lot_receive,
    lot_set_status,
    product_save,
)
from mesoclinic.inventory.ingredients import IngredientsUnreadable, ingredient_lines
from mesoclinic.inventory.models import ProductForm
from mesoclinic.inventory.queries import lot_json, lots_of, product_json, products_of

router = Router(tags=["inventory"])
CLINICAL_ONLY = "Only a clinic admin or a practitioner may read the catalogue."
ADMIN_ONLY = "Only a clinic admin may change the catalogue."
ADMIN = frozenset({Role.ADMIN})


class ProductIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    manufacturer: str = ""
    form: ProductForm
    unit: str = "unit"
    ingredients: list[str] = Field(
        min_length=1, description='one a line: "lidocaine", or coded "atc:N01BB02 lidocaine"'
    )
    prescription_only: StrictBool = False
    off_label_note: str = ""
    numbing: StrictBool = False
    active: StrictBool = True


class LotIn(Schema):
    number: str = Field(min_length=1, max_length=60)
    expires: date
    quantity: StrictInt = Field(ge=1)


class LotStatusIn(Schema):
    status: str = Field(description="available, quarantined or recalled")
    reason: str = ""


def _today(clinic_tz: Any) -> date:
    return timezone.localdate(timezone=clinic_tz)


@router.get(
    "/products",
    summary="The clinic's products with their ingredients and stock",
    response={200: list[dict[str, Any]], **errors()},
)
def product_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_ONLY)
    return [product_json(p) for p in products_of(user.clinic)]


@router.post(
    "/products",
    summary="Add a product to the catalogue",
    response={201: dict[str, Any], **errors(409, 422)},
)
def product_add(request: HttpRequest, body: ProductIn) -> Status[dict[str, Any]]:
    user = api_user_with_role(request, ADMIN, ADMIN_ONLY, scope=TokenScope.STOCK)
    if products_of(user.clinic).filter(name__iexact=body.name.strip()).exists():
        raise HttpError(409, f"The catalogue already has a product named {body.name!r}.")
    try:
        lines = ingredient_lines("\n".join(body.ingredients))
        product = product_save(
            clinic=user.clinic,
            product=None,
            **body.dict(exclude={"ingredients"}),
            ingredients=lines,
            by=user,
        )
    except (IngredientsUnreadable, InventoryRefused) as refused:
        raise HttpError(422, str(refused)) from None
    return Status(201, product_json(products_of(user.clinic).get(pk=product.pk)))


@router.get(
    "/lots",
    summary="The clinic's lots, soonest expiry first",
    response={200: list[dict[str, Any]], **errors()},
)
def lot_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_ONLY)
    today = _today(user.clinic.tzinfo)
    return [lot_json(lot, today) for lot in lots_of(user.clinic)]


@router.post(
    "/products/{product_id}/lots",
    summary="Receive a lot of a product",
    response={201: dict[str, Any], **errors(404, 422)},
)
def lot_add(request: HttpRequest, product_id: int, body: LotIn) -> Status[dict[str, Any]]:
    user = api_user_with_role(request, ADMIN, ADMIN_ONLY, scope=TokenScope.STOCK)
    product = product_for(user, product_id)
    today = _today(user.clinic.tzinfo)
    try:
        lot = lot_receive(product=product, **body.dict(), on=today, by=user)
    except InventoryRefused as refused:
        raise HttpError(422, str(refused)) from None
    return Status(201, lot_json(lot, today))


@router.post(
    "/lots/{lot_id}/status",
    summary="Quarantine, recall or release a lot",
    response={200: dict[str, Any], **errors(404, 422)},
)
def lot_status(request: HttpRequest, lot_id: int, body: LotStatusIn) -> dict[str, Any]:
    user = api_user_with_role(request, ADMIN, ADMIN_ONLY, scope=TokenScope.STOCK)
    lot = lot_for(user, lot_id)
    try:
        lot = lot_set_status(lot=lot, status=body.status, reason=body.reason, by=user)
    except InventoryRefused as refused:
        raise HttpError(422, str(refused)) from None
    return lot_json(lot, _today(user.clinic.tzinfo))
