"""Changes to the catalogue: products and their ingredients, lots received, held and recalled."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.inventory.ingredients import IngredientLine
from mesoclinic.inventory.models import Ingredient, Lot, LotStatus, Product

LOT_EXISTS = "{product} already has a lot {number}."
NOTHING_RECEIVED = "A lot is received with at least one unit, not {quantity}."
SAME_STATUS = "{lot} is already {status}."
NEEDS_REASON = "Say why the lot is {status}."
NOT_A_STATUS = "{status!r} is not a lot status; a lot is one of {known}."


class InventoryRefused(Exception):
    """A catalogue change that cannot be made; the message says why."""


def product_save(
    *,
    clinic: Clinic,
    product: Product | None,
    name: str,
    manufacturer: str,
    form: str,
    unit: str,
    ingredients: Sequence[IngredientLine],
    prescription_only: bool,
    off_label_note: str,
    numbing: bool,
    active: bool,
    by: User | None,
) -> Product:
    """Add a product to the catalogue, or change one, with its ingredients; audited."""
    values = {
        "name": name.strip(),
        "manufacturer": manufacturer.strip(),
        "form": form,
        "unit": unit.strip() or "unit",
        "prescription_only": prescription_only,
        "off_label_note": off_label_note.strip(),
        "numbing": numbing,
        "active": active,
    }
    with transaction.atomic():
        saved = save_audited(obj=product or Product(clinic=clinic), values=values, by=by)
        if _ingredients_replace(saved, ingredients):
            audit_record(
                by=by,
                action=Action.UPDATE,
                obj=saved,
                summary=f"{saved}: ingredients {', '.join(i.name for i in ingredients)}",
            )
    return saved


def _ingredients_replace(product: Product, ingredients: Sequence[IngredientLine]) -> bool:
    """Replace the product's ingredients; whether anything changed."""
    before = [
        IngredientLine(i.name, i.code_system, i.code)
        for i in product.ingredients.order_by("position")
    ]
    if before == list(ingredients):
        return False
    product.ingredients.all().delete()
    Ingredient.objects.bulk_create(
        Ingredient(product=product, position=n, name=i.name, code_system=i.code_system, code=i.code)
        for n, i in enumerate(ingredients)
    )
    return True


def lot_receive(
    *, product: Product, number: str, expires: date, quantity: int, on: date, by: User | None
) -> Lot:
    """Receive a lot of `product` into stock; audited."""
    number = number.strip()
    if quantity < 1:
        raise InventoryRefused(NOTHING_RECEIVED.format(quantity=quantity))
    with transaction.atomic():
        if Lot.objects.filter(product=product, number__iexact=number).exists():
            raise InventoryRefused(LOT_EXISTS.format(product=product, number=number))
        lot = Lot.objects.create(
            clinic_id=product.clinic_id,
            product=product,
            number=number,
            expires=expires,
            quantity_received=quantity,
            quantity_left=quantity,
            received_on=on,
            received_by=by,
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=lot,
            summary=f"received {quantity} × {product} lot {number}, expires {expires:%Y-%m-%d}",
        )
    return lot


def lot_set_status(*, lot: Lot, status: str, reason: str, by: User | None) -> Lot:
    """Quarantine or recall a lot, or release it again; a hold needs its reason; audited."""
    if status not in LotStatus.values:
        raise InventoryRefused(
            NOT_A_STATUS.format(status=status, known=", ".join(LotStatus.values))
        )
    status = LotStatus(status)
    if lot.status == status:
        raise InventoryRefused(SAME_STATUS.format(lot=lot, status=status.label.lower()))
    if status != LotStatus.AVAILABLE and not reason.strip():
        raise InventoryRefused(NEEDS_REASON.format(status=status.label.lower()))
    with transaction.atomic():
        values = {"status": status, "status_reason": reason.strip()}
        saved: Lot = save_audited(obj=lot, values=values, by=by)
    return saved
