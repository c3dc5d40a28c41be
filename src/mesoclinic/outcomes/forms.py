"""The GAIS score as the rater gives it: one of five answers."""

from django import forms

from mesoclinic.outcomes.models import Gais


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=Gais.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="Compared with before the course, the treated area is",
    )
