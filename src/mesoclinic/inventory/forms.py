"""Forms of the catalogue: a product with its ingredients, a lot received, a lot held."""

from typing import Any

from django import forms

from mesoclinic.accounts.models import Clinic
from mesoclinic.inventory.ingredients import IngredientsUnreadable, ingredient_lines
from mesoclinic.inventory.models import CODE_SYSTEMS, LotStatus, Product, ProductForm

INGREDIENTS_HELP = (
    "One a line. Give the code where one exists, before the name: "
    "atc:N01BB02 lidocaine, sct:…, rxnorm:…, unii:…; otherwise the name alone."
)


class ProductEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    manufacturer = forms.CharField(max_length=120, required=False)
    form = forms.ChoiceField(choices=ProductForm.choices)
    unit = forms.CharField(
        max_length=40, initial="unit", help_text="One unit of stock, e.g. vial of 5 mL."
    )
    ingredients = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), help_text=INGREDIENTS_HELP
    )
    prescription_only = forms.BooleanField(
        required=False, label="Prescription only (a medicine that needs a prescriber)"
    )
    off_label_note = forms.CharField(
        required=False,
        max_length=2000,
        label="Off-label use",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Disclosed to the patient on the consent form.",
    )
    numbing = forms.BooleanField(required=False, label="A numbing cream")
    active = forms.BooleanField(required=False, initial=True, label="In use")

    def __init__(self, *args: Any, clinic: Clinic, product: Product | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic, self.product = clinic, product

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        lines = [
            f"{_prefix(i.code_system)}:{i.code} {i.name}" if i.code else i.name
            for i in product.ingredients.order_by("position")
        ]
        fields = ("name", "manufacturer", "form", "unit", "prescription_only")
        return {
            **{name: getattr(product, name) for name in fields},
            "off_label_note": product.off_label_note,
            "numbing": product.numbing,
            "active": product.active,
            "ingredients": "\n".join(lines),
        }

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Product.objects.filter(clinic=self.clinic, name__iexact=name)
        if self.product is not None:
            clash = clash.exclude(pk=self.product.pk)
        if clash.exists():
            raise forms.ValidationError("The catalogue already has a product of that name.")
        return name

    def clean_ingredients(self) -> Any:
        try:
            lines = ingredient_lines(self.cleaned_data["ingredients"])
        except IngredientsUnreadable as refused:
            raise forms.ValidationError(str(refused)) from None
        if not lines:
            raise forms.ValidationError("Name at least one ingredient.")
        return lines


def _prefix(system: str) -> str:
    return next((short for short, uri in CODE_SYSTEMS.items() if uri == system), system)


class LotReceiveForm(forms.Form):
    number = forms.CharField(label="Lot number", max_length=60)
    expires = forms.DateField(label="Expiry date", widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label="Units received", min_value=1)


class LotStatusForm(forms.Form):
    status = forms.ChoiceField(choices=LotStatus.choices)
    reason = forms.CharField(max_length=300, required=False)
