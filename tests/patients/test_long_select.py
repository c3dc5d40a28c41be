"""The mapping form's long select writes exactly what Django's own select writes."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from mesoclinic.patients.forms import LongSelect, mapping_targets

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
