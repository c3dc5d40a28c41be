"""The mapping form's select and inputs write exactly what Django's own widgets write."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from mesoclinic.patients.forms import (
    LongSelect,
    MappingForm,
    PlainHiddenInput,
    PlainTextInput,
    mapping_targets,
)

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
    choices = (*mapping_targets(), *ODD_CHOICES)
    select = LongSelect(targets=lambda: choices)
    ours = select.render("target", chosen, attrs)
    django = forms.Select(choices=choices).render("target", chosen, attrs)
    assert ours == django
    assert select.render("target", chosen, attrs) == django  # and again, from the kept options
    assert ours.count("<option") == len(choices) - 2 + sum(
        len(group) for _, group in choices if isinstance(group, tuple)
    )


@pytest.mark.parametrize(
    "choices", [mapping_targets(), ODD_CHOICES, (("", "Choose"),), ((None, "None"),), ()]
)
def test_the_long_select_is_required_when_djangos_select_would_be(choices):
    ours = LongSelect(targets=lambda: tuple(choices)).use_required_attribute(None)
    assert ours == forms.Select(choices=choices).use_required_attribute(None)


def test_the_mapping_form_writes_its_select_as_django_would():
    form = MappingForm(auto_id="map-condition-1-%s")
    django = forms.Select(choices=mapping_targets())
    bound = form["target"]
    assert str(bound) == bound.as_widget(widget=django)
    assert 'required id="map-condition-1-target"' in str(bound)


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
