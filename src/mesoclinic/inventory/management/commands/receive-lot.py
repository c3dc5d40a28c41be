"""`mesoclinic receive-lot PRODUCT --lot NUMBER --expires DATE --quantity N`: stock a lot."""

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from mesoclinic.accounts.command_clinic import add_clinic_argument, clinic_for_command
from mesoclinic.commands import ReportCommand, calendar_date
from mesoclinic.inventory.domain import InventoryRefused, lot_receive
from mesoclinic.inventory.queries import ProductNotFound, find_product, lot_json


class Command(ReportCommand):
    help = "Receive a lot of one of the clinic's products into stock."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("product", help="the product's id or exact name")
        parser.add_argument("--lot", required=True, help="the lot number on the box")
        parser.add_argument("--expires", required=True, type=calendar_date, metavar="DATE")
        parser.add_argument("--quantity", required=True, type=int, help="units received")
        add_clinic_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_for_command(options["clinic"])
        today = timezone.localdate(timezone=clinic.tzinfo)
        try:
            product = find_product(clinic, options["product"])
            lot = lot_receive(
                product=product,
                number=options["lot"],
                expires=options["expires"],
                quantity=options["quantity"],
                on=today,
                by=None,
            )
        except (ProductNotFound, InventoryRefused) as error:
            raise CommandError(str(error)) from None
        text = f"Received {lot.quantity_received} × {product} lot {lot.number}."
        self.report(options, lot_json(lot, today), text)
