"""`mesoclinic products [--clinic ID] [--json]`: the clinic's catalogue with its stock."""

from typing import Any

from django.utils import timezone

from mesoclinic.accounts.command_clinic import add_clinic_argument, clinic_for_command
from mesoclinic.commands import ReportCommand
from mesoclinic.inventory.queries import lot_json, lots_of, product_json, products_of


class Command(ReportCommand):
    help = "List the clinic's products with their ingredients, stock and lots."

    def add_arguments(self, parser: Any) -> None:
        add_clinic_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_for_command(options["clinic"])
        today = timezone.localdate(timezone=clinic.tzinfo)
        lots = [lot_json(lot, today) for lot in lots_of(clinic)]
        products = []
        for product in products_of(clinic):
            document = product_json(product)
            document["lots"] = [lot for lot in lots if lot["product"] == product.pk]
            products.append(document)
        self.report(options, {"clinic": clinic.pk, "products": products}, _text(products))


def _text(products: list[dict[str, Any]]) -> str:
    lines = []
    for product in products:
        names = ", ".join(i["name"] for i in product["ingredients"])
        lines.append(
            f"{product['id']:>4}  {product['name']} ({names}): {product['in_stock']} in stock"
        )
        lines += [
            f"        lot {lot['number']}, expires {lot['expires']}, {lot['quantity_left']} left, "
            f"{lot['status']}"
            for lot in product["lots"]
        ]
    return "\n".join(lines) or "No products."
