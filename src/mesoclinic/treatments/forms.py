"""Forms of the consultation record and the treatment plan."""

from decimal import Decimal
from typing import Any, cast

from django import forms

from mesoclinic.clinical.areas import AREAS, area_named
from mesoclinic.clinical.preparation import PreparationStep
from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.inventory.models import Lot, Product, ProductForm
from mesoclinic.scheduling.forms import template_choices
from mesoclinic.treatments.domain import PlannedArea
from mesoclinic.treatments.domain.sessions import PointAt, PreparationAnswer
from mesoclinic.treatments.models import (
    CONSENT_RISKS,
    ChartMap,
    Consultation,
    Fitzpatrick,
    Layer,
    Recommendation,
    SkinType,
    Technique,
    TreatmentPlan,
)

AREA_CHOICES = [(area, area) for area in AREAS]
CONDITIONS_HELP = "One area a line: “cheeks: fine lines, dehydrated”."


class ConsultationForm(forms.Form):
    """Concerns, areas, the skin assessment and the recommendation."""

    concerns = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Concerns"
    )
    areas = forms.MultipleChoiceField(
        choices=AREA_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    fitzpatrick = forms.TypedChoiceField(
        choices=[("", "—"), *Fitzpatrick.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="Fitzpatrick type",
    )
    skin_type = forms.ChoiceField(choices=[("", "—"), *SkinType.choices], required=False)
    area_conditions = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Condition per area",
        help_text=CONDITIONS_HELP,
    )
    recommendation = forms.ChoiceField(choices=[("", "—"), *Recommendation.choices], required=False)
    recommendation_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Reason"
    )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        conditions = "\n".join(f"{a}: {c}" for a, c in consultation.area_conditions.items())
        return {
            "concerns": consultation.concerns,
            "areas": consultation.areas,
            "fitzpatrick": consultation.fitzpatrick,
            "skin_type": consultation.skin_type,
            "area_conditions": conditions,
            "recommendation": consultation.recommendation,
            "recommendation_reason": consultation.recommendation_reason,
        }

    def clean_area_conditions(self) -> dict[str, str]:
        conditions = {}
        for number, line in enumerate(self.cleaned_data["area_conditions"].splitlines(), 1):
            if not line.strip():
                continue
            area, colon, condition = line.partition(":")
            try:
                name = area_named(area)
            except (LookupError, ValueError):
                name = ""
            if not colon or not name:
                raise forms.ValidationError(
                    f"Line {number}: start with an area and a colon, e.g. “cheeks: dry”."
                )
            conditions[name] = condition.strip()
        return conditions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recommendation") and not data.get("recommendation_reason", "").strip():
            self.add_error("recommendation_reason", "Say why you recommend this.")
        return data


class PlanForm(forms.Form):
    """The plan's course template and its numbing cream."""

    template = forms.ChoiceField(choices=template_choices, label="Protocol and course")
    numbing_product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        required=False,
        empty_label="No numbing cream",
        label="Numbing cream",
    )

    def __init__(self, *args: Any, clinic_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["numbing_product"]
        assert isinstance(field, forms.ModelChoiceField)  # declared so above
        field.queryset = Product.objects.filter(clinic_id=clinic_id, active=True, numbing=True)

    @classmethod
    def initial_for(cls, plan: TreatmentPlan | None) -> dict[str, Any]:
        if plan is None:
            return {"template": "standard/course"}
        return {
            "template": f"{plan.protocol_id}/{plan.template_id}",
            "numbing_product": plan.numbing_product_id,
        }


class PlanAreaForm(forms.Form):
    """One area of the plan: technique, depth, volume and the products of its formulation."""

    area = forms.ChoiceField(choices=[("", "—"), *AREA_CHOICES], required=False)
    technique = forms.ChoiceField(choices=Technique.choices)
    depth_mm = forms.DecimalField(
        label="Depth (mm)", required=False, min_value=Decimal("0.1"), max_digits=4, decimal_places=1
    )
    layer = forms.ChoiceField(choices=[("", "—"), *Layer.choices], required=False)
    volume_ml = forms.DecimalField(
        label="Planned volume (mL)",
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["products"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # declared so above
        field.queryset = products

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("area"):
            return data
        if data.get("depth_mm") is None and not data.get("layer"):
            self.add_error("depth_mm", "Give the depth in mm or the layer.")
        if data.get("volume_ml") is None:
            self.add_error("volume_ml", "Give the planned volume.")
        if not data.get("products"):
            self.add_error("products", "Choose at least one product.")
        return data

    def planned(self) -> PlannedArea | None:
        data = self.cleaned_data
        if not data.get("area"):
            return None
        return PlannedArea(
            area=data["area"],
            technique=data["technique"],
            volume_ml=data["volume_ml"],
            products=tuple(data["products"]),
            depth_mm=data["depth_mm"],
            layer=data["layer"],
        )


class BasePlanAreaFormSet(forms.BaseFormSet[PlanAreaForm]):
    def planned(self) -> list[PlannedArea]:
        return [p for form in self.forms if (p := form.planned()) is not None]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.planned():
            raise forms.ValidationError("Plan at least one area.")


PlanAreaFormSet = cast(
    type[BasePlanAreaFormSet],
    forms.formset_factory(PlanAreaForm, formset=BasePlanAreaFormSet, extra=0),
)


class SignForm(forms.Form):
    screening_reviewed = forms.BooleanField(
        label="I have reviewed today's screening against this plan"
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Addendum"
    )


class ConsentTemplateForm(forms.Form):
    """The next version of a treatment's consent text, as the clinic admin writes it."""

    treatment = forms.ChoiceField(label="Treatment (protocol)")
    title = forms.CharField(max_length=200)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    risks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One risk a line.",
        initial="\n".join(CONSENT_RISKS),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["treatment"])
        field.choices = [(p.id, f"{p.id}: {p.name}") for p in all_protocols()]

    def clean_risks(self) -> list[str]:
        risks: str = self.cleaned_data["risks"]
        return [line.strip() for line in risks.splitlines() if line.strip()]


class ConsentSignForm(forms.Form):
    """The patient's answers and signature; photo use is a choice of its own (SPEC.md)."""

    photos_allowed = forms.TypedChoiceField(
        label="Photos of the treated areas",
        choices=[("yes", "I agree to photos for my record"), ("no", "No photos of me")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
    )
    typed_name = forms.CharField(label="Your full name", max_length=200)
    agreed = forms.BooleanField(label="I have read this consent and agree to the treatment")
    drawing = forms.CharField(required=False, widget=forms.HiddenInput)
    guardian_name = forms.CharField(
        required=False, max_length=200, label="Parent or guardian (under 18)"
    )
    guardian_relationship = forms.CharField(
        required=False, max_length=100, label="Relationship to the patient"
    )


class SessionStartForm(forms.Form):
    """The checks on the day: each preparation step asked, and an override reason if needed."""

    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Override: why treat despite what is new",
    )

    def __init__(self, *args: Any, steps: list[PreparationStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        for n, step in enumerate(steps):
            self.fields[f"step_{n}"] = forms.TypedChoiceField(
                label=step.instruction,
                choices=[("yes", "Followed"), ("no", "Not followed")],
                coerce=lambda answer: answer == "yes",
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{n}"] = forms.CharField(required=False, label="Note")

    def answers(self) -> list[PreparationAnswer]:
        data = self.cleaned_data
        return [
            PreparationAnswer(step.instruction, step.concept, data[f"step_{n}"], data[f"note_{n}"])
            for n, step in enumerate(self.steps)
        ]


class SessionRecordForm(forms.Form):
    """What the practitioner records around the chart."""

    disinfection = forms.CharField(required=False, max_length=200)
    numbing_product = forms.ModelChoiceField(queryset=Product.objects.none(), required=False)
    numbing_lot = forms.ModelChoiceField(queryset=Lot.objects.none(), required=False)
    numbing_minutes = forms.IntegerField(required=False, min_value=0, max_value=120)
    soothing_product = forms.ModelChoiceField(
        queryset=Product.objects.none(), required=False, label="Soothing product or mask"
    )
    reactions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Immediate reactions"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    ended_at = forms.TimeField(required=False, label="Ended at (leave empty: when signed)")

    def __init__(self, *args: Any, clinic_id: int, lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = Product.objects.filter(clinic_id=clinic_id, active=True)
        cast(
            "forms.ModelChoiceField[Product]", self.fields["numbing_product"]
        ).queryset = products.filter(numbing=True)
        cast(
            "forms.ModelChoiceField[Product]", self.fields["soothing_product"]
        ).queryset = products.exclude(form=ProductForm.INJECTABLE)
        cast(
            "forms.ModelChoiceField[Lot]", self.fields["numbing_lot"]
        ).queryset = Lot.objects.filter(
            pk__in=[lot.pk for lot in lots if lot.product.numbing]
        ).select_related("product")


class LotField(forms.ModelChoiceField[Lot]):
    def label_from_instance(self, obj: Lot) -> str:
        return f"{obj.product.name}, lot {obj.number}, expires {obj.expires:%Y-%m-%d}"


class PointForm(forms.Form):
    """One injection point: tapped on the map or typed in the table."""

    map = forms.ChoiceField(choices=ChartMap.choices)
    area = forms.ChoiceField(choices=AREA_CHOICES)
    x = forms.DecimalField(min_value=0, max_value=1, decimal_places=4, label="Across (0–1)")
    y = forms.DecimalField(min_value=0, max_value=1, decimal_places=4, label="Down (0–1)")
    lot = LotField(queryset=Lot.objects.none(), empty_label=None)
    depth_mm = forms.DecimalField(min_value=0, max_digits=4, decimal_places=1, label="Depth (mm)")
    volume_ml = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=5, decimal_places=2, label="Volume (mL)"
    )
    technique = forms.ChoiceField(choices=Technique.choices)

    def __init__(self, *args: Any, areas: list[str], lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if areas:
            cast(forms.ChoiceField, self.fields["area"]).choices = [(a, a) for a in areas]
        field = cast(LotField, self.fields["lot"])
        # Each product's earliest-expiring lot first (SPEC.md, "Products and lots").
        field.queryset = Lot.objects.filter(pk__in=[lot.pk for lot in lots]).order_by(
            "product__name", "expires", "pk"
        )

    def point(self) -> PointAt:
        return PointAt(**self.cleaned_data)


class PointMoveForm(forms.Form):
    x = forms.DecimalField(min_value=0, max_value=1, decimal_places=4)
    y = forms.DecimalField(min_value=0, max_value=1, decimal_places=4)
