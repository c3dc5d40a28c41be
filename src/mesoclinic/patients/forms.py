"""Forms for the patient record: demographics and the four kinds of history entry."""

import datetime as dt
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any, TypeVar

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinical.concepts import Concept
from mesoclinic.clinical.facts import LOINC
from mesoclinic.clinical.teaching import INGREDIENT, NOT_RELEVANT
from mesoclinic.clinical.valuesets import value_sets
from mesoclinic.markup import escaped
from mesoclinic.patients.codes import CodeOption, option_from_value
from mesoclinic.patients.models import (
    Allergy,
    Condition,
    HistoryEntry,
    Medication,
    Observation,
    Patient,
)
from mesoclinic.patients.phones import PhoneNumberError, phone_e164

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ADULT_AGE = 18

GUARDIAN_NEEDED = "A patient under 18 needs a guardian: give the guardian's name."
BORN_IN_FUTURE = "The birth date is in the future."
# A product decision: no patient is older than the oldest person ever recorded (122).
OLDEST_AGE = 122
BORN_TOO_LONG_AGO = (
    "A birth date of {born:%d/%m/%Y} would make the patient {age} years old: check the year."
)
DEATH_IN_FUTURE = "The date of death is in the future: a death is recorded once it happened."
DEATH_BEFORE_BIRTH = "The date of death is before the birth date."
DEATH_WITHOUT_DECEASED = "A date of death is given but the patient is not marked as deceased."
NO_CODE_OR_TEXT = "Choose a code from the search, or describe it in free text."
UNKNOWN_CODE = "That code is not in the value sets; search again or use free text."
ENDS_BEFORE_START = "The end date is before the start date."
ANSWER_NEEDED = "Choose an answer for {what}."
VALUE_NEEDED = "Give the value of {what}."


# The kind of history entry a form edits.
Entry = TypeVar("Entry", bound=HistoryEntry)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class PatientForm(forms.ModelForm[Patient]):
    class Meta:
        model = Patient
        fields = [
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "phone",
            "email",
            "address",
            "guardian_name",
            "guardian_phone",
            "deceased",
            "deceased_at",
        ]
        widgets = {"birth_date": DATE_INPUT, "deceased_at": DATETIME_INPUT}
        help_texts = {"guardian_name": "Required for patients under 18."}

    # Asked only when the details match patients already on record.
    different_person = forms.BooleanField(
        required=False,
        label="I have checked: this is a different person from the patients listed above",
    )

    def details(self) -> dict[str, Any]:
        """The demographics the valid form holds, without the question about look-alikes."""
        return {k: v for k, v in self.cleaned_data.items() if k != "different_person"}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic
        self.fields["birth_date"].required = True
        for name in ("phone", "guardian_phone"):
            self.fields[
                name
            ].help_text = "With its country code (+44 …), or as dialled in the clinic's country."

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_guardian_phone(self) -> str:
        return self._phone("guardian_phone")

    def _phone(self, name: str) -> str:
        try:
            return phone_e164(self.cleaned_data[name], self.instance.clinic.country)
        except PhoneNumberError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        today = timezone.localdate(timezone=self.instance.clinic.tzinfo)
        born = data.get("birth_date")
        if born and born > today:
            self.add_error("birth_date", BORN_IN_FUTURE)
        elif born and age_on(born, today) > OLDEST_AGE:
            age = age_on(born, today)
            self.add_error("birth_date", BORN_TOO_LONG_AGO.format(born=born, age=age))
        elif born and age_on(born, today) < ADULT_AGE and not data.get("guardian_name", "").strip():
            self.add_error("guardian_name", GUARDIAN_NEEDED)
        died = data.get("deceased_at")
        if died and not data.get("deceased"):
            self.add_error("deceased", DEATH_WITHOUT_DECEASED)
        elif died and died > timezone.now():
            self.add_error("deceased_at", DEATH_IN_FUTURE)
        elif died and born and died.astimezone(self.instance.clinic.tzinfo).date() < born:
            self.add_error("deceased_at", DEATH_BEFORE_BIRTH)
        return data


class HistoryEntryForm(forms.ModelForm[Entry]):
    """A history entry coded from the value sets (`coding`) or described in free text."""

    kind = ""
    coding = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Free text"
        self.fields["text"].help_text = "As the patient or the referral says it."
        self.chosen: CodeOption | None = self.current_code()

    def current_code(self) -> CodeOption | None:
        entry = self.instance
        return CodeOption(entry.code_system, entry.code, entry.code_display) if entry.code else None

    def clean_coding(self) -> str:
        value: str = self.cleaned_data["coding"].strip()
        current = self.current_code()
        if not value:
            self.chosen = None
        elif current and value.split("|")[:2] == [current.system, current.code]:
            self.chosen = current  # an imported code stays, even if no value set lists it
        else:
            self.chosen = option_from_value(self.kind, value)
            if self.chosen is None:
                raise forms.ValidationError(UNKNOWN_CODE)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "coding" in data and self.chosen is None and not data.get("text", "").strip():
            self.add_error("text", NO_CODE_OR_TEXT)
        return data

    def entry_values(self) -> dict[str, Any]:
        """The entry's field values the valid form describes, its codes included.

        An entry whose code stays keeps every other coding it came with; a new code replaces
        them all, since they described the old one.
        """
        chosen = self.chosen
        code = (chosen.system, chosen.code, chosen.display) if chosen else ("", "", "")
        kept = chosen is not None and chosen == self.current_code()
        codings = self.instance.all_codings if kept else []
        if chosen is not None and not kept:
            codings = [{"system": chosen.system, "code": chosen.code, "display": chosen.display}]
        return {
            **dict(zip(("code_system", "code", "code_display"), code, strict=True)),
            "codings": codings,
            **model_values(self),
        }

    def check_order(self, start: str, end: str) -> None:
        data = self.cleaned_data
        if data.get(start) and data.get(end) and data[end] < data[start]:
            self.add_error(end, ENDS_BEFORE_START)


class ConditionForm(HistoryEntryForm[Condition]):
    kind = "condition"

    class Meta:
        model = Condition
        fields = ["coding", "text", "clinical_status", "verification_status", "onset", "abatement"]
        widgets = {"onset": DATE_INPUT, "abatement": DATE_INPUT}
        labels = {"abatement": "Ended"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_order("onset", "abatement")
        return data


class MedicationForm(HistoryEntryForm[Medication]):
    kind = "medication"

    class Meta:
        model = Medication
        fields = ["coding", "text", "kind", "status", "dosage", "started", "ended"]
        widgets = {"started": DATE_INPUT, "ended": DATE_INPUT}
        labels = {"kind": "Medication or supplement"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_order("started", "ended")
        return data


class AllergyForm(HistoryEntryForm[Allergy]):
    kind = "allergy"

    class Meta:
        model = Allergy
        fields = [
            "coding",
            "text",
            "clinical_status",
            "verification_status",
            "criticality",
            "reaction",
            "onset",
        ]
        widgets = {
            "onset": DATE_INPUT,
            "criticality": forms.Select(
                choices=[
                    ("", "—"),
                    ("low", "Low"),
                    ("high", "High"),
                    ("unable-to-assess", "Unknown"),
                ]
            ),
        }


# What an observation measures or states (LOINC), with its unit or its possible answers.
MEASURES = {
    "82810-3": ("Pregnancy status", "", {"LA15173-0": "Pregnant", "LA26683-5": "Not pregnant"}),
    "63895-7": (
        "Breastfeeding status",
        "",
        {"LA29252-6": "Currently breastfeeding", "LA29253-4": "Not currently breastfeeding"},
    ),
    "39156-5": ("Body mass index (BMI)", "kg/m2", {}),
    "29463-7": ("Body weight", "kg", {}),
    "8302-2": ("Body height", "cm", {}),
}
MEASURE_CHOICES = [(code, spec[0]) for code, spec in MEASURES.items()]
ANSWERS = {code: label for _, _, answers in MEASURES.values() for code, label in answers.items()}


class ObservationForm(forms.ModelForm[Observation]):
    """A status (pregnant, breastfeeding) or a measurement (BMI, weight, height)."""

    kind = "observation"
    measure = forms.ChoiceField(label="What", choices=MEASURE_CHOICES)
    answer = forms.ChoiceField(
        required=False, choices=[("", "—"), *ANSWERS.items()], help_text="For a status."
    )

    class Meta:
        model = Observation
        fields = ["measure", "answer", "value_quantity", "status", "effective"]
        widgets = {"effective": DATETIME_INPUT}
        labels = {"value_quantity": "Value", "effective": "Observed at"}
        help_texts = {"value_quantity": "For a measurement, in kg/m2, kg or cm."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entry = self.instance
        if entry.code and entry.code not in MEASURES:
            # An imported observation keeps its own code; only its value and dates are edited.
            imported = (entry.code, f"{entry.code_display or entry.code} (as imported)")
            measure = self.fields["measure"]
            assert isinstance(measure, forms.ChoiceField)  # declared so above
            measure.choices = [imported, *MEASURE_CHOICES]
        self.initial.setdefault("measure", entry.code)
        self.initial.setdefault("answer", entry.value_code)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        measure = data.get("measure")
        if measure in MEASURES:
            name, _, answers = MEASURES[measure]
            if answers and data.get("answer") not in answers:
                self.add_error("answer", ANSWER_NEEDED.format(what=name.lower()))
            if not answers and data.get("value_quantity") is None:
                self.add_error("value_quantity", VALUE_NEEDED.format(what=name.lower()))
        return data

    def entry_values(self) -> dict[str, Any]:
        """The observation's field values the valid form describes, its LOINC codes included."""
        values = model_values(self)
        measure = self.cleaned_data["measure"]
        if measure not in MEASURES:
            return values  # an imported observation keeps its own code
        name, unit, answers = MEASURES[measure]
        answer = (self.cleaned_data.get("answer") if answers else "") or ""
        return {
            **values,
            "code_system": LOINC,
            "code": measure,
            "code_display": name,
            "value_code_system": LOINC if answer else "",
            "value_code": answer,
            "value_display": ANSWERS.get(answer, ""),
            "value_unit": "" if answers else unit,
            "value_quantity": None if answers else values["value_quantity"],
        }


def model_values(form: forms.ModelForm[Any]) -> dict[str, Any]:
    """The cleaned values of the form's fields that are fields of its model."""
    model_fields = {field.name for field in form._meta.model._meta.get_fields()}
    return {name: value for name, value in form.cleaned_data.items() if name in model_fields}


# The form of each kind of history entry: every one gives the entry's values (`entry_values`).
HistoryForm = ConditionForm | MedicationForm | AllergyForm | ObservationForm
HISTORY_FORMS: dict[str, type[HistoryForm]] = {
    "condition": ConditionForm,
    "medication": MedicationForm,
    "allergy": AllergyForm,
    "observation": ObservationForm,
}


@cache
def mapping_targets() -> tuple[tuple[str, Any], ...]:
    """What a practitioner can map a code or phrase to, grouped as the select shows them (made
    once, from the shipped value sets, themselves read once)."""
    ingredients = sorted(value_sets().ingredients.by_id.values(), key=lambda i: i.name.lower())
    return (
        ("", "Choose what it means…"),
        (NOT_RELEVANT, "Not relevant to screening"),
        ("Screening concepts", tuple((c.value, c.label) for c in Concept if c.kinds)),
        ("Allergens (ingredients)", tuple((INGREDIENT + i.id, i.name) for i in ingredients)),
    )


# A function answering a select's choices, the same every time (`mapping_targets`).
Targets = Callable[[], tuple[tuple[str, Any], ...]]


class LongSelect(forms.Select):
    """A select of many options that never change, written in Python: the chart shows one per
    entry screening did not recognise and the clinic's review one per row.

    Django's own select normalises its choices and writes each option through two templates
    every time: 1.8 ms for the 83 targets. These options come from `targets`, a function whose
    answer never changes, and are written once for each value chosen, then kept: a form's
    select now takes 0.03 ms where it took 0.55.
    """

    def __init__(self, targets: Targets, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.targets = targets

    def use_required_attribute(self, initial: Any) -> bool:
        # As Django's select decides, from the first option alone: asking `choices` for it
        # would normalise every one of them first.
        first = next(iter(self.targets()), None)
        return not self.is_hidden and first is not None and first[0] in (None, "")

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        options = _options(self.targets, tuple(self.format_value(value)))
        return SafeString(f'<select name="{escaped(name)}"{attributes}>{options}\n</select>')


@lru_cache(maxsize=64)
def _options(targets: Targets, chosen: tuple[str, ...]) -> str:
    """The options as Django's select writes them: grouped, the first match to `chosen` selected."""
    markup = []
    for group, options, _ in forms.Select(choices=targets()).optgroups("", list(chosen)):
        if group:
            markup.append(f'\n  <optgroup label="{escaped(group)}">')
        markup += map(_option, options)
        if group:
            markup.append("\n  </optgroup>")
    return "".join(markup)


class PlainHiddenInput(forms.HiddenInput):
    """A hidden input written in Python, as Django's template writes it: the mapping form has
    four, and the chart one mapping form per entry screening did not recognise."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return _input_html(self, name, value, attrs)


class PlainTextInput(forms.TextInput):
    """A text input written in Python, as Django's template writes it (see PlainHiddenInput)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return _input_html(self, name, value, attrs)


def _input_html(
    input: forms.widgets.Input, name: str, value: Any, attrs: dict[str, Any] | None
) -> SafeString:
    widget = input.get_context(name, value, attrs)["widget"]
    shown = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
    written = f'<input type="{widget["type"]}" name="{escaped(name)}"{shown}'
    return SafeString(f"{written}{_attributes(widget['attrs'])}>")


def _attributes(attrs: dict[str, Any]) -> str:
    """An element's attributes as Django's attrs.html writes them: True alone, False left out."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict[str, Any]) -> str:
    selected = " selected" if option["selected"] else ""
    value, label = escaped(option["value"]), escaped(option["label"])
    return f'\n  <option value="{value}"{selected}>{label}</option>\n'


class MappingForm(forms.Form):
    """A code or a phrase, and what the clinic says it means to screening."""

    system = forms.CharField(required=False, max_length=200, widget=PlainHiddenInput)
    code = forms.CharField(required=False, max_length=64, widget=PlainHiddenInput)
    phrase = forms.CharField(required=False, max_length=300, widget=PlainHiddenInput)
    display = forms.CharField(required=False, max_length=300, widget=PlainHiddenInput)
    target = forms.ChoiceField(
        label="Means", choices=mapping_targets, widget=LongSelect(targets=mapping_targets)
    )
    note = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=300,
        widget=PlainTextInput(attrs={"placeholder": "Why (optional)"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("code", "").strip() or data.get("phrase", "").strip()):
            raise forms.ValidationError("There is no code or phrase to map.")
        return data
