"""Passkeys through django-otp-webauthn, for staff only and only as a second factor."""

from typing import Any

from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views

from mesoclinic.accounts.models import STAFF_ROLES, User


class Refused(exceptions.OTPWebAuthnApiError):
    """A refusal the library answers as JSON with its status."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # the library is untyped


class SignInFirst(Refused):
    status_code = 401
    code = "not_signed_in"
    default_detail = gettext_lazy("Sign in with your password first.")


class StaffOnly(Refused):
    status_code = 403
    code = "staff_only"
    default_detail = gettext_lazy("Passkeys are the second step of a staff sign-in.")


class StaffCeremony:
    """Refuse visitors (401) and patients (403) before the library's own checks."""

    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if not isinstance(request.user, User):
            raise SignInFirst()
        if request.user.role not in STAFF_ROLES:
            raise StaffOnly()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # the library's view


class RegistrationBegin(StaffCeremony, views.BeginCredentialRegistrationView):
    pass


class RegistrationComplete(StaffCeremony, views.CompleteCredentialRegistrationView):
    pass


class AuthenticationBegin(StaffCeremony, views.BeginCredentialAuthenticationView):
    pass


class AuthenticationComplete(StaffCeremony, views.CompleteCredentialAuthenticationView):
    pass


app_name = "otp_webauthn"
# The library's addresses and names (its scripts find them by name), with our views.
urlpatterns = [
    path(
        "registration/begin/",
        RegistrationBegin.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        RegistrationComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        AuthenticationBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        AuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
