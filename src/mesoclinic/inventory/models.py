"""Products of the clinic's catalogue, their ingredients, and the lots received of each."""

from datetime import date

from django.conf import settings
from django.db import models

from mesoclinic.clinical.allergies import ingredient_ids
from mesoclinic.clinical.facts import Coding
from mesoclinic.clinical.valuesets import value_sets

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
UNII = "http://fdasis.nlm.nih.gov"
# How an ingredient line names its code system: the short names ingredients.toml uses.
CODE_SYSTEMS = {"sct": SNOMED, "rxnorm": RXNORM, "atc": ATC, "unii": UNII}


class ProductForm(models.TextChoices):
    """What the product is, as the practitioner handles it."""

    INJECTABLE = "injectable", "Injectable solution"
    CREAM = "cream", "Cream"
    GEL = "gel", "Gel"
    MASK = "mask", "Sheet mask"


class Product(models.Model):
    """One product of the clinic's catalogue: a cocktail, a numbing cream, a soothing mask."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    manufacturer = models.CharField(max_length=120, blank=True)
    form = models.CharField(max_length=20, choices=ProductForm.choices)
    # What one unit of stock is: "vial of 5 mL", "tube of 30 g".
    unit = models.CharField(max_length=40, default="unit")
    prescription_only = models.BooleanField(
        "prescription only",
        default=False,
        help_text="A medicine that needs a prescriber.",
    )
    # Disclosed on the consent form (SPEC.md, "Consent").
    off_label_note = models.TextField(
        "off-label use",
        blank=True,
        help_text="How this product is used outside its licence, to be disclosed to the patient.",
    )
    numbing = models.BooleanField(
        "numbing cream", default=False, help_text="Offered as the plan's numbing cream."
    )
    active = models.BooleanField("in use", default=True)
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="product_name_unique_in_clinic")
        ]

    def __str__(self) -> str:
        return self.name


class Ingredient(models.Model):
    """One ingredient of a product: coded where a code exists, named always."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ingredients")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    code_system = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["product", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def vocabulary(self) -> list[str]:
        """What the ingredient vocabulary knows it as (by its code, else its name), if anything.

        Screening meets an allergy to any of these; an ingredient it does not know is met only
        by an allergy naming the same code or a word of its name.
        """
        coded = Coding(self.code_system, self.code, self.name) if self.code else self.name
        book = value_sets().ingredients
        return sorted(book[i].name for i in ingredient_ids(coded))


class LotStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    QUARANTINED = "quarantined", "Quarantined"
    RECALLED = "recalled", "Recalled"


class Lot(models.Model):
    """A lot (batch) of one product received by the clinic: its number, expiry and stock."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="lots")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField("lot number", max_length=60)
    expires = models.DateField("expiry date")
    quantity_received = models.PositiveIntegerField()
    quantity_left = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=LotStatus.choices, default=LotStatus.AVAILABLE)
    status_reason = models.CharField(max_length=300, blank=True)
    received_on = models.DateField()
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["expires", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="lot_number_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity_left__lte=models.F("quantity_received")),
                name="lot_left_at_most_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} lot {self.number}"

    def usable_on(self, day: date) -> bool:
        """Whether the lot may be charted on `day`: available, with stock, not expired."""
        return self.status == LotStatus.AVAILABLE and self.quantity_left > 0 and day <= self.expires
