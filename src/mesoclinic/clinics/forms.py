"""Forms for the clinic admin: rooms, practitioners, their hours, and closed days."""

from datetime import timedelta
from itertools import pairwise
from typing import Any, TypeVar, cast

from django import forms
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.clinics.domain import WeeklyPeriod
from mesoclinic.clinics.models import (
    ClinicClosure,
    Hours,
    OpeningHours,
    Practitioner,
    Room,
    WorkingHours,
)

# Whose hours a formset edits: the clinic's opening hours or a practitioner's working hours.
Owner = TypeVar("Owner", Clinic, Practitioner)

# A product decision: holidays are set at most five years ahead; further is a typing slip.
FURTHEST_CLOSURE = timedelta(days=5 * 366)
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RoomForm(forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["name", "active", "for_sessions"]

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Room.objects.filter(clinic=self.instance.clinic, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This clinic already has a room of that name.")
        return name


class PractitionerUserForm(forms.ModelForm[User]):
    """The sign-in account of a practitioner."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic
        self.instance.role = Role.PRACTITIONER
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True


class PractitionerForm(forms.ModelForm[Practitioner]):
    class Meta:
        model = Practitioner
        fields = ["profession", "registration_number", "active"]


class HoursForm(forms.ModelForm[Hours]):
    class Meta:
        fields = ["weekday", "starts", "ends"]
        widgets = {"starts": TIME_INPUT, "ends": TIME_INPUT}


class OpeningHoursForm(HoursForm[OpeningHours]):
    class Meta(HoursForm.Meta):
        model = OpeningHours


class WorkingHoursForm(HoursForm[WorkingHours]):
    class Meta(HoursForm.Meta):
        model = WorkingHours


class BaseHoursFormSet(forms.BaseInlineFormSet[Hours, Owner, HoursForm[Hours]]):
    def clean(self) -> None:
        """Refuse overlapping periods on the same weekday."""
        super().clean()
        periods = sorted(
            (f.cleaned_data["weekday"], f.cleaned_data["starts"], f.cleaned_data["ends"])
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("starts")
            and f.cleaned_data.get("ends")
        )
        for (day, _, ends), (next_day, next_starts, _) in pairwise(periods):
            if day == next_day and next_starts < ends:
                weekday = OpeningHours(weekday=day).get_weekday_display()
                raise forms.ValidationError(f"Two periods overlap on {weekday}.")

    def periods(self) -> list[WeeklyPeriod]:
        """The hours the valid formset describes, the deleted rows left out."""
        return [
            WeeklyPeriod(
                f.cleaned_data["weekday"], f.cleaned_data["starts"], f.cleaned_data["ends"]
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


def hours_formset(
    model: type[Hours], parent_model: type[Owner], form: type[HoursForm[Hours]]
) -> type[BaseHoursFormSet[Hours, Owner]]:
    formset = forms.inlineformset_factory(
        parent_model, model, form=form, formset=BaseHoursFormSet, extra=2, can_delete=True
    )
    # The factory subclasses the formset it is given; its stubs promise only the base class.
    return cast(type[BaseHoursFormSet[Hours, Owner]], formset)


OpeningHoursFormSet = hours_formset(OpeningHours, Clinic, OpeningHoursForm)
WorkingHoursFormSet = hours_formset(WorkingHours, Practitioner, WorkingHoursForm)


class ClosureForm(forms.ModelForm[ClinicClosure]):
    class Meta:
        model = ClinicClosure
        fields = ["day", "reason"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic

    def clean_day(self) -> Any:
        day = self.cleaned_data["day"]
        today = timezone.localdate(timezone=self.instance.clinic.tzinfo)
        if day < today:
            raise forms.ValidationError(
                f"{day:%d/%m/%Y} is in the past: a closed day is set for today or later."
            )
        if day > today + FURTHEST_CLOSURE:
            raise forms.ValidationError(
                f"{day:%d/%m/%Y} is more than five years ahead: check the year."
            )
        if ClinicClosure.objects.filter(clinic=self.instance.clinic, day=day).exists():
            raise forms.ValidationError("The clinic is already closed that day.")
        return day
