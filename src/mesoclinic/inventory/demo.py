"""The demo catalogue: the products a mesotherapy clinic keeps, with lots, one near expiry.

Dates are counted from the day the demo is first loaded; loading again changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from mesoclinic.accounts.models import Clinic
from mesoclinic.inventory.domain import lot_receive, product_save
from mesoclinic.inventory.ingredients import IngredientLine, ingredient_lines
from mesoclinic.inventory.models import Product, ProductForm


@dataclass(frozen=True)
class DemoProduct:
    name: str
    manufacturer: str
    form: ProductForm
    unit: str
    ingredients: str
    # (lot number, days until expiry from the day the demo is loaded, units)
    lots: tuple[tuple[str, int, int], ...]
    prescription_only: bool = False
    off_label_note: str = ""
    numbing: bool = False


CATALOGUE = (
    DemoProduct(
        "Hyaluronic acid 1% (non-cross-linked)",
        "Lumen Dermal Labs",
        ProductForm.INJECTABLE,
        "vial of 2 mL",
        "unii:S270N0TRQY hyaluronic acid\nsodium chloride\nwater for injection",
        (("HA-24117", 320, 20), ("HA-24031", 21, 4)),
    ),
    DemoProduct(
        "Revitalising vitamin cocktail",
        "Lumen Dermal Labs",
        ProductForm.INJECTABLE,
        "vial of 5 mL",
        "rxnorm:1151 ascorbic acid\nvitamin B complex\nglycine\nproline\nhyaluronic acid",
        (("VC-3390", 240, 15),),
    ),
    DemoProduct(
        "Hair-loss cocktail",
        "Follica Pharma",
        ProductForm.INJECTABLE,
        "vial of 5 mL",
        "biotin\ndexpanthenol\nzinc gluconate\norganic silicon\ncopper peptide",
        (("HL-0712", 200, 10),),
    ),
    DemoProduct(
        "Phosphatidylcholine / deoxycholate lipolytic",
        "Follica Pharma",
        ProductForm.INJECTABLE,
        "ampoule of 5 mL",
        "phosphatidylcholine (soy) 50 mg/mL\natc:D11AX24 sodium deoxycholate",
        (("PC-5521", 180, 12),),
        prescription_only=True,
        off_label_note="Licensed for the chin only; used off-label on the abdomen and flanks.",
    ),
    DemoProduct(
        "Lidocaine 4% numbing cream",
        "Calma Topicals",
        ProductForm.CREAM,
        "tube of 30 g",
        "atc:N01BB02 lidocaine",
        (("LC-8841", 400, 8),),
        numbing=True,
    ),
    DemoProduct(
        "Soothing after-care mask",
        "Calma Topicals",
        ProductForm.MASK,
        "sheet mask",
        "aloe vera\nallantoin\ndexpanthenol\ncentella asiatica extract",
        (("SM-1207", 500, 40),),
    ),
)


def demo_catalogue_load(clinic: Clinic) -> None:
    """Add whichever demo products the clinic lacks, each with its lots."""
    today = timezone.localdate(timezone=clinic.tzinfo)
    for spec in CATALOGUE:
        if not Product.objects.filter(clinic=clinic, name=spec.name).exists():
            _demo_product(clinic, spec, today)


def _demo_product(clinic: Clinic, spec: DemoProduct, today: date) -> None:
    lines: list[IngredientLine] = ingredient_lines(spec.ingredients)
    product = product_save(
        clinic=clinic,
        product=None,
        name=spec.name,
        manufacturer=spec.manufacturer,
        form=spec.form,
        unit=spec.unit,
        ingredients=lines,
        prescription_only=spec.prescription_only,
        off_label_note=spec.off_label_note,
        numbing=spec.numbing,
        active=True,
        by=None,
    )
    for number, days, units in spec.lots:
        lot_receive(
            product=product,
            number=number,
            expires=today + timedelta(days=days),
            quantity=units,
            on=today,
            by=None,
        )
