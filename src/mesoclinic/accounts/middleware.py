"""Every request: the clinic's time zone, the staff's second factor, the idle sign-out."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from mesoclinic.accounts.models import STAFF_ROLES, User
from mesoclinic.accounts.second_factor import second_factor_checked

LAST_SEEN = "last_seen"
IDLE_SIGNED_OUT = "You were signed out after {minutes} minutes without activity."


class ClinicTimezoneMiddleware:
    """Pages speak the clinic's local time: a Paris clinic sees Paris times on a London server."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        timezone.activate(user.clinic.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


# Where a staff member signed in with a password alone may go: the second-factor pages, the
# passkey ceremony and signing out.
SECOND_FACTOR_PAGES = {"second-factor", "second-factor-enrol", "logout"}
# Addresses that answer machines: there an unverified session is simply not signed in.
MACHINE_PREFIXES = ("/api/", "/fhir/")


def needs_second_factor(user: object) -> bool:
    """Whether `user` is staff signed in with a password but not yet with a second factor."""
    return isinstance(user, User) and user.role in STAFF_ROLES and not second_factor_checked(user)


class SecondFactorMiddleware:
    """Staff see nothing until their second factor is checked; every staff role, no opt-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not needs_second_factor(request.user):
            return self.get_response(request)
        if request.path_info.startswith(MACHINE_PREFIXES):
            request.user = AnonymousUser()
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.url_name in SECOND_FACTOR_PAGES or match.namespace == "otp_webauthn":
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse("second-factor"))


class IdleSessionMiddleware:
    """A staff sign-in ends after the clinic's idle time without a request."""

    # The session is written at most once a minute, not on every request.
    RESOLUTION = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role not in STAFF_ROLES:
            return self.get_response(request)
        now = int(timezone.now().timestamp())
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > user.clinic.staff_idle_minutes * 60:
            logout(request)
            messages.info(request, IDLE_SIGNED_OUT.format(minutes=user.clinic.staff_idle_minutes))
            return redirect_to_login(request.get_full_path())
        if last_seen is None or now - last_seen >= self.RESOLUTION:
            request.session[LAST_SEEN] = now
        return self.get_response(request)
