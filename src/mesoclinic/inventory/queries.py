"""Reads of the catalogue shared by the pages, the API and the commands."""

from datetime import date
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum

from mesoclinic.accounts.models import Clinic
from mesoclinic.inventory.models import Ingredient, Lot, LotStatus, Product

NO_PRODUCT = "No product {key!r} in this clinic; give its id or its exact name."
NEAR_EXPIRY_DAYS = 30


class ProductNotFound(LookupError):
    """No product of the clinic has that id or name."""


def products_of(clinic: Clinic) -> QuerySet[Product]:
    """The clinic's products with their ingredients and what is in stock, in two queries."""
    available = Q(lots__status=LotStatus.AVAILABLE, lots__quantity_left__gt=0)
    return (
        Product.objects.filter(clinic=clinic)
        .prefetch_related(Prefetch("ingredients", queryset=Ingredient.objects.order_by("position")))
        .annotate(
            in_stock=Sum("lots__quantity_left", filter=available, default=0),
            lots_available=Count("lots", filter=available),
            next_expiry=Min("lots__expires", filter=available),
        )
    )


def lots_of(clinic: Clinic) -> QuerySet[Lot]:
    """The clinic's lots, soonest expiry first, with their product."""
    return Lot.objects.filter(clinic=clinic).select_related("product").order_by("expires", "pk")


def lots_to_offer(product: Product, on: date) -> list[Lot]:
    """Lots of `product` that may be used on `on`, the earliest-expiring first (SPEC.md)."""
    lots = product.lots.filter(
        status=LotStatus.AVAILABLE, quantity_left__gt=0, expires__gte=on
    ).order_by("expires", "pk")
    return list(lots)


def expiry_state(lot: Lot, today: date) -> str:
    """ "expired", "expires soon" (within NEAR_EXPIRY_DAYS) or "" for a lot on `today`."""
    if lot.expires < today:
        return "expired"
    if (lot.expires - today).days <= NEAR_EXPIRY_DAYS:
        return "expires soon"
    return ""


def find_product(clinic: Clinic, key: str) -> Product:
    """The clinic's product with id or exact name `key`."""
    query = Product.objects.filter(clinic=clinic)
    # Past 18 digits no id can match, and the database would refuse the number outright.
    found = query.filter(pk=int(key)).first() if key.isdigit() and len(key) < 19 else None
    found = found or query.filter(name__iexact=key.strip()).first()
    if found is None:
        raise ProductNotFound(NO_PRODUCT.format(key=key))
    return found


def ingredient_json(ingredient: Ingredient) -> dict[str, Any]:
    return {
        "name": ingredient.name,
        "system": ingredient.code_system,
        "code": ingredient.code,
        "known_as": ingredient.vocabulary,
    }


def product_json(product: Product) -> dict[str, Any]:
    """A product as `mesoclinic products --json` and the API show it."""
    return {
        "id": product.pk,
        "name": product.name,
        "manufacturer": product.manufacturer,
        "form": product.form,
        "unit": product.unit,
        "ingredients": [ingredient_json(i) for i in product.ingredients.all()],
        "prescription_only": product.prescription_only,
        "off_label_note": product.off_label_note,
        "numbing": product.numbing,
        "active": product.active,
        "in_stock": getattr(product, "in_stock", None),
    }


def lot_json(lot: Lot, today: date) -> dict[str, Any]:
    """A lot as the API and `mesoclinic receive-lot --json` show it."""
    return {
        "id": lot.pk,
        "product": lot.product_id,
        "product_name": lot.product.name,
        "number": lot.number,
        "expires": lot.expires.isoformat(),
        "quantity_received": lot.quantity_received,
        "quantity_left": lot.quantity_left,
        "status": lot.status,
        "status_reason": lot.status_reason,
        "received_on": lot.received_on.isoformat(),
        "expiry": expiry_state(lot, today),
    }
