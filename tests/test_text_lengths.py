"""Every box a person types a paragraph into has a length its pages can show."""

import pytest

from mesoclinic.inventory.forms import ProductEditForm
from mesoclinic.scheduling.forms import BookCourseForm
from mesoclinic.treatments.forms import AddendumForm, ConsultationForm

WORD = "x" * 20_000


@pytest.mark.parametrize(
    ("form_class", "field", "limit"),
    [
        (ConsultationForm, "concerns", 4000),
        (ConsultationForm, "area_conditions", 4000),
        (ConsultationForm, "recommendation_reason", 2000),
        (AddendumForm, "text", 4000),
        (BookCourseForm, "unplanned_reason", 2000),
        (BookCourseForm, "override_reason", 2000),
    ],
)
def test_twenty_thousand_characters_are_refused_with_the_limit(form_class, field, limit):
    form = form_class(data={field: WORD, "proposal": "{}"})
    assert not form.is_valid()
    assert form.errors[field] == [
        f"Ensure this value has at most {limit} characters (it has 20000)."
    ]


def test_a_products_notes_are_capped(db, harbour):
    form = ProductEditForm(
        data={"name": "A", "form": "solution", "unit": "vial", "ingredients": WORD},
        clinic=harbour,
        product=None,
    )
    assert not form.is_valid()
    assert form.errors["ingredients"] == [
        "Ensure this value has at most 4000 characters (it has 20000)."
    ]
