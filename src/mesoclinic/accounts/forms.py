"""Forms for signing in and for the clinic admin's management of staff."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from mesoclinic.accounts import throttle
from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.audit.middleware import client_ip


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing to even check a password once an account is locked."""

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        ip = client_ip(self.request) if self.request else None
        if throttle.is_locked_out(username, ip):
            raise ValidationError(throttle.lockout_message(), code="locked_out")
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.note_failure(username, ip)
            raise
        throttle.clear_failures(username, ip)
        return cleaned


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
