"""The mapping form's long select writes exactly what Django's own select writes."""

import pytest
from django import forms

from mesoclinic.patients.forms import LongSelect, mapping_targets


@pytest.mark.parametrize("chosen", ["", "pregnancy", "not-relevant", None])
def test_the_long_select_writes_what_djangos_select_writes(chosen):
    choices = [*mapping_targets(), ("a&b", 'Quotes " and <tags>')]
    attrs = {"id": "id_target", "required": True}
    ours = LongSelect(choices=choices).render("target", chosen, attrs)
    django = forms.Select(choices=choices).render("target", chosen, attrs)
    assert ours == django
    assert ours.count("<option") == len(choices) - 2 + sum(
        len(group) for _, group in choices if isinstance(group, list)
    )
