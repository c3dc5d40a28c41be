"""Forms for signing in and for the clinic admin's management of staff."""

from typing import Any

import phonenumbers
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from mesoclinic.accounts import throttle
from mesoclinic.accounts.domain import account_email_queue
from mesoclinic.accounts.models import Clinic, Role, TokenScope, User
from mesoclinic.accounts.tokens import LONGEST_LIFETIME
from mesoclinic.audit.domain import sign_in_failure_audit
from mesoclinic.audit.middleware import client_ip


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, counting each attempt before it checks the password."""

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))
        ip = client_ip(self.request) if self.request else None
        refusal = throttle.sign_in_attempt(username, ip)
        if refusal is not None:
            sign_in_failure_audit(username=username, summary=THROTTLED)
            raise ValidationError(refusal.message, code="throttled")
        cleaned = super().clean()
        throttle.sign_in_succeeded(username, ip)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its email queued for the worker and limited per address."""

    ip: str | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The same answer either way, so the page tells no one whether mail was sent.
        if throttle.password_reset_allowed(self.cleaned_data["email"], self.ip):
            super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        account_email_queue(
            kind="password reset",
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
            to=to_email,
            clinic_id=user.clinic_id,
        )


THROTTLED = "refused: too many attempts"
STAFF_ROLE_CHOICES = [(r.value, r.label) for r in (Role.ADMIN, Role.RECEPTION)]


class StaffForm(forms.ModelForm[User]):
    """A clinic admin or receptionist; practitioners are added on the practitioners page."""

    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "is_active"]

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True


class SecondFactorForm(forms.Form):
    """The code from an authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())


class AppCodeForm(SecondFactorForm):
    """The first code from a newly set-up authenticator app."""

    code = forms.CharField(
        label="Six-digit code from the app",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenForm(forms.Form):
    """A new API token for the signed-in staff member: what it may do and how long it lives."""

    scopes = forms.MultipleChoiceField(
        choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple, initial=[TokenScope.READ]
    )
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=LONGEST_LIFETIME.days, initial=90
    )


class ClinicSettingsForm(forms.ModelForm[Clinic]):
    """What a clinic admin sets for the whole clinic's sign-ins."""

    class Meta:
        model = Clinic
        fields = ["staff_idle_minutes", "urgent_escalation_minutes", "country"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the clinic keeps the time and the country it has.
        self.fields["urgent_escalation_minutes"].required = False
        self.fields["country"].required = False

    def clean_country(self) -> str:
        country: str = self.cleaned_data["country"].strip().upper() or self.instance.country
        if country not in phonenumbers.SUPPORTED_REGIONS:
            raise forms.ValidationError(
                f"“{country}” is not a country's two-letter code (GB, RS, TR…)."
            )
        return country
