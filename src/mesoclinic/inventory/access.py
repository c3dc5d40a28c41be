"""The doors to the catalogue: a product or lot is found only in the user's own clinic."""

from django.http import Http404

from mesoclinic.accounts.models import User
from mesoclinic.inventory.models import Lot, Product

# Past 64 bits no row can match, and the database would refuse the number outright.
LARGEST_ID = 2**63
NO_PRODUCT = "No such product in your clinic."
NO_LOT = "No such lot in your clinic."


def product_for(user: User, product_id: int) -> Product:
    """The product `product_id` of `user`'s clinic, else 404."""
    product = None
    if 0 < product_id < LARGEST_ID:
        product = Product.objects.filter(pk=product_id, clinic_id=user.clinic_id).first()
    if product is None:
        raise Http404(NO_PRODUCT)
    return product


def lot_for(user: User, lot_id: int) -> Lot:
    """The lot `lot_id` of `user`'s clinic, else 404."""
    lot = None
    if 0 < lot_id < LARGEST_ID:
        lot = (
            Lot.objects.filter(pk=lot_id, clinic_id=user.clinic_id)
            .select_related("product")
            .first()
        )
    if lot is None:
        raise Http404(NO_LOT)
    return lot
