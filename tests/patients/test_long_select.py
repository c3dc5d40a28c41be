"""The mapping form's select and inputs write exactly what Django's own widgets write."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from mesoclinic.patients.forms import LongSelect, PlainHiddenInput, PlainTextInput, mapping_targets

ODD_CHOICES = [
    ("a&b", 'Quotes " and <tags>'),
    ("lazy", gettext_lazy("Lazy & translated")),
    ("safe", mark_safe("<b>safe</b> markup")),
    (7, "a number for a value"),
]


@pytest.mark.parametrize("chosen", ["", "pregnancy", "not-relevant", "7", None])
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_target", "required": True},
        {"id": 'a"b', "disabled": False, "data-count": 3, "aria-describedby": "x&y"},
    ],
)
def test_the_long_select_writes_what_djangos_select_writes(chosen, attrs):
    choices = [*mapping_targets(), *ODD_CHOICES]
    ours = LongSelect(choices=choices).render("target", chosen, attrs)
    django = forms.Select(choices=choices).render("target", chosen, attrs)
    assert ours == django
    assert ours.count("<option") == len(choices) - 2 + sum(
        len(group) for _, group in choices if isinstance(group, tuple)
    )


@pytest.mark.parametrize(
    "value", [None, "", "plain", 'a&b "quoted" <tag>', 42, gettext_lazy("lazy")]
)
@pytest.mark.parametrize(
    ("ours", "djangos"),
    [(PlainHiddenInput, forms.HiddenInput), (PlainTextInput, forms.TextInput)],
)
def test_the_plain_inputs_write_what_djangos_inputs_write(ours, djangos, value):
    attrs = {"id": 'map-"1"', "placeholder": "Why (optional)", "required": True, "hidden": False}
    assert ours().render("note", value, attrs) == djangos().render("note", value, attrs)
    assert ours(attrs={"maxlength": 300}).render("n", value) == djangos(
        attrs={"maxlength": 300}
    ).render("n", value)
