"""The side-effect report, and a practitioner's assessment of it."""

import datetime as dt
from typing import Any

from django import forms

from mesoclinic.clinical.concepts import Effect
from mesoclinic.clinical.effects import Severity

LARGEST_PHOTO = 10 * 1024 * 1024
EFFECT_WORDS = {
    "injection-marks": "Marks where the needle went in",
    "nodules": "A lump or lumps under the skin",
    "spreading-redness": "Redness that is spreading",
    "allergic-reaction": "An allergic reaction (rash, hives, swelling of lips or eyes)",
    "infection": "Signs of infection (warmth, pus or discharge)",
}


class SideEffectForm(forms.Form):
    effect = forms.ChoiceField(
        choices=[(e.value, EFFECT_WORDS.get(e.value, e.value.capitalize())) for e in Effect]
    )
    area = forms.CharField(max_length=60, help_text="Where, e.g. left cheek")
    started_on = forms.DateField(
        label="The day it started", widget=forms.DateInput(attrs={"type": "date"})
    )
    severity = forms.ChoiceField(choices=[(s.value, s.value.capitalize()) for s in Severity])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photo = forms.FileField(required=False, help_text="Optional: a photo of the area")

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["started_on"].widget.attrs["max"] = today.isoformat()

    def clean_photo(self) -> bytes:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return b""
        if upload.size > LARGEST_PHOTO:
            raise forms.ValidationError("The photo is larger than 10 MB; send a smaller one.")
        data: bytes = upload.read()
        return data


class AssessmentForm(forms.Form):
    assessment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    advice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Advice to the patient"
    )


class FollowUpBookingForm(forms.Form):
    from_day = forms.DateField(
        label="The earliest consultation from",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="Leave empty for the earliest from today.",
    )


class ReminderPreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[("email", "Email"), ("sms", "Text message")], label="Send my reminders by"
    )
    quiet_from = forms.TimeField(
        label="Quiet from", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label="Quiet until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
