"""Forms of the calendar: planning and booking a course, moving a session, a consultation."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinical.areas import AREAS
from mesoclinic.clinical.planner import Preferences, TimeOfDay
from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.clinics.models import (
    Practitioner,
    Weekday,
)
from mesoclinic.scheduling.course_rules import session_count, template_named

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


WEEKDAY_CHOICES = [(str(day.value), day.label[:3]) for day in Weekday]


def template_choices() -> list[tuple[str, str]]:
    """Every course template of every shipped protocol, as `protocol/template`."""
    return [
        (f"{protocol.id}/{course.id}", f"{protocol.name}: {course.name}")
        for protocol in all_protocols()
        for course in protocol.courses
    ]


def offer_practitioners(form: forms.Form, practitioners: QuerySet[Practitioner]) -> None:
    """Let the form's practitioner field choose among `practitioners` only."""
    field = form.fields["practitioner"]
    assert isinstance(field, forms.ModelChoiceField)  # each form declares it so
    field.queryset = practitioners


class PlanCourseForm(forms.Form):
    """What the planner needs to know: the template, the areas, the first date, the wishes."""

    template = forms.ChoiceField(choices=template_choices)
    areas = forms.MultipleChoiceField(
        choices=[(area, area) for area in AREAS],
        initial=["face"],
        widget=forms.CheckboxSelectMultiple,
    )
    first_day = forms.DateField(
        label="First possible date", widget=forms.DateInput(attrs={"type": "date"})
    )
    sessions = forms.IntegerField(
        required=False, min_value=1, help_text="Leave empty for the template's most sessions."
    )
    same_practitioner = forms.BooleanField(
        required=False, initial=True, label="Same practitioner throughout"
    )
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), required=False, empty_label="Anyone"
    )
    time_of_day = forms.ChoiceField(choices=[(t.value, t.value.capitalize()) for t in TimeOfDay])
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        initial=[str(d) for d in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Practitioner.objects.filter(clinic=clinic, active=True).select_related("user")
        offer_practitioners(self, active)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        spec, sessions = data.get("template"), data.get("sessions")
        if spec and sessions is not None:
            _, template = template_named(spec)
            try:
                session_count(template, sessions)
            except ValueError as error:
                self.add_error("sessions", f"{str(error).capitalize()}.")
        return data

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        practitioner = data.get("practitioner")
        return Preferences(
            same_practitioner=bool(data.get("same_practitioner")) or practitioner is not None,
            practitioner_id=practitioner.pk if practitioner else None,
            time_of_day=TimeOfDay(data["time_of_day"]),
            weekdays=frozenset(int(d) for d in data["weekdays"]),
        )


class BookCourseForm(forms.Form):
    """The proposal the person saw, and the reasons when they are needed."""

    proposal = forms.CharField(widget=forms.HiddenInput)
    unplanned_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for booking without a consultation",
    )
    override_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for booking over the contraindication",
    )


class MoveSessionForm(forms.Form):
    day = forms.DateField(label="New date", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(
        choices=[("one", "This one"), ("following", "This and the following")],
        widget=forms.RadioSelect,
        initial="one",
    )
    # The time chosen among the day's free times; without it, the times are offered first.
    start = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    practitioner = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ConsultationSearchForm(forms.Form):
    """The day to look from and the practitioner wanted, or anyone."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args: Any, clinic: Clinic, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        active = Practitioner.objects.filter(clinic=clinic, active=True).select_related("user")
        offer_practitioners(self, active)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError(
                f"{day:%a %d %b %Y} has passed: choose today ({self.today:%a %d %b %Y}) "
                "or a later day."
            )
        if day > self.today + timedelta(days=2 * 366):
            raise forms.ValidationError(
                f"{day:%a %d %b %Y} is more than two years ahead: check the year."
            )
        return day


class ConsultationBookForm(forms.Form):
    """One of the free times shown: its start and its practitioner."""

    start = forms.DateTimeField(widget=forms.HiddenInput)
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_practitioners(self, Practitioner.objects.filter(clinic=clinic))
