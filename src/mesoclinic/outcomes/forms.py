"""The GAIS score as the rater gives it: one of five answers."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinics.models import Practitioner
from mesoclinic.outcomes.models import Gais


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=Gais.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="Compared with before the course, the treated area is",
    )


class SessionScoreForm(ScoreForm):
    """A score after one session that took place (a product decision: optional)."""

    session = forms.TypedChoiceField(coerce=int, choices=[], label="After session")

    def __init__(self, data: Mapping[str, str] | None, *, sessions: list[tuple[int, str]]) -> None:
        super().__init__(data, prefix="session")
        field = self.fields["session"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = sessions


class ReportFilter(forms.Form):
    """A report's date range (in the clinic's time zone, both days included) and practitioner."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), required=False, empty_label="All practitioners"
    )

    def __init__(self, data: Mapping[str, str], *, clinic: Clinic, today: dt.date) -> None:
        given = {key: data[key] for key in ("start", "end", "practitioner") if data.get(key)}
        given.setdefault("start", (today - dt.timedelta(days=365)).isoformat())
        given.setdefault("end", today.isoformat())
        super().__init__(given)
        field = self.fields["practitioner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Practitioner.objects.filter(clinic=clinic).select_related("user")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                f"The range ends on {end:%d %b %Y}, before it starts on {start:%d %b %Y}."
            )
        return cleaned
