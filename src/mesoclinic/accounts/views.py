"""Signing in and out, the second factor, a staff member's security page, the admin's pages."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from mesoclinic.accounts.domain import (
    clinic_settings_save,
    recovery_codes_issue,
    second_factor_reset,
    staff_save,
    totp_device_confirm,
    totp_device_start,
)
from mesoclinic.accounts.forms import (
    ApiTokenForm,
    AppCodeForm,
    ClinicSettingsForm,
    QueuedPasswordResetForm,
    SecondFactorForm,
    StaffForm,
    ThrottledAuthenticationForm,
)
from mesoclinic.accounts.models import STAFF_ROLES, ApiToken, Role, User
from mesoclinic.accounts.permissions import SignedInRequest, admin_required, staff_required
from mesoclinic.accounts.second_factor import (
    WRONG_CODE,
    has_passkey,
    second_factor_checked,
    second_factor_match,
    second_factors_of,
    totp_qr_data_uri,
    totp_secret,
    user_has_device,
)
from mesoclinic.accounts.site import site_link_context
from mesoclinic.accounts.tokens import api_token_create, api_token_revoke
from mesoclinic.audit.middleware import client_ip
from mesoclinic.outbox.models import Email, Sms

EMAILS_PER_PAGE = 50

STAFF_ROLES_MANAGED_HERE = [Role.ADMIN, Role.RECEPTION]


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The emailed link points at the configured site address, whatever host the request named."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = site_link_context()
        if isinstance(form, QueuedPasswordResetForm):
            form.ip = client_ip(self.request)
        return super().form_valid(form)


@admin_required
def staff_list(request: SignedInRequest) -> HttpResponse:
    staff = User.objects.filter(clinic=request.user.clinic, role__in=STAFF_ROLES_MANAGED_HERE)
    return render(request, "accounts/staff_list.html", {"staff": staff})


@admin_required
def staff_edit(request: SignedInRequest, user_id: int | None = None) -> HttpResponse:
    clinic = request.user.clinic
    member = None
    if user_id is not None:
        member = get_object_or_404(
            User, pk=user_id, clinic=clinic, role__in=STAFF_ROLES_MANAGED_HERE
        )
    form = StaffForm(request.POST or None, instance=member, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        saved = staff_save(clinic=clinic, member=member, **form.cleaned_data, by=request.user)
        messages.success(request, f"Saved {saved}." + (" Invitation queued." if not member else ""))
        return redirect("accounts:staff")
    tokens = ApiToken.objects.filter(user=member, revoked_at=None) if member else []
    context = {"form": form, "member": member, "tokens": tokens}
    return render(request, "accounts/staff_form.html", context)


def _next(request: HttpRequest) -> str:
    """Where to go after the second factor: the page first asked for, if it is ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@staff_required
def second_factor(request: SignedInRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, a recovery code, or a passkey."""
    if second_factor_checked(request.user):
        return redirect(_next(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('second-factor-enrol')}?{request.GET.urlencode()}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_match(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    context = {"form": form, "next": _next(request), "has_passkey": has_passkey(request.user)}
    return render(request, "accounts/second_factor.html", context)


@staff_required
def second_factor_enrol(request: SignedInRequest) -> HttpResponse:
    """Set up a first second factor: an authenticator app (scan, then type a code) or a passkey."""
    if user_has_device(request.user):
        return redirect(f"{reverse('second-factor')}?{request.GET.urlencode()}")
    device = totp_device_start(by=request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["code"], by=request.user):
            otp_login(request, device)
            return _recovery_codes_page(request, first=True)
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "next": _next(request),
        "qr": totp_qr_data_uri(device),
        "secret": totp_secret(device),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@staff_required
def security(request: SignedInRequest) -> HttpResponse:
    """A staff member's own sign-in: second factors, recovery codes and API tokens."""
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        new_token = api_token_create(
            request.user,
            request.user,
            scopes=form.cleaned_data["scopes"],
            lifetime=dt.timedelta(days=days),
        )
        form = ApiTokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "devices": second_factors_of(request.user),
        "tokens": ApiToken.objects.filter(user=request.user, revoked_at=None),
    }
    return render(request, "accounts/security.html", context)


@require_POST
@staff_required
def recovery_codes(request: SignedInRequest) -> HttpResponse:
    """New recovery codes, replacing the old ones; shown once."""
    return _recovery_codes_page(request, first=False)


def _recovery_codes_page(request: SignedInRequest, *, first: bool) -> HttpResponse:
    codes = recovery_codes_issue(by=request.user)
    context = {"codes": codes, "first": first, "next": _next(request)}
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@staff_required
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    """Revoke one API token: one's own, or (a clinic admin) any of the clinic's staff's."""
    tokens = ApiToken.objects.filter(user__clinic=request.user.clinic)
    if request.user.role != Role.ADMIN:
        tokens = tokens.filter(user=request.user)
    row = get_object_or_404(tokens, pk=token_id)
    api_token_revoke(row, request.user)
    messages.success(request, f"API token {row.prefix}… revoked.")
    if row.user_id == request.user.pk:
        return redirect("accounts:security")
    return redirect("accounts:staff-edit", row.user_id)


@require_POST
@admin_required
def second_factor_reset_view(request: SignedInRequest, user_id: int) -> HttpResponse:
    """Remove a staff member's second factors (a lost phone); they set one up at next sign-in."""
    member = get_object_or_404(User, pk=user_id, clinic=request.user.clinic, role__in=STAFF_ROLES)
    if member == request.user:
        raise PermissionDenied("Another admin resets your second factor; use a recovery code.")
    second_factor_reset(member=member, by=request.user)
    messages.success(request, f"{member}'s second factor was reset.")
    return redirect("accounts:staff")


@admin_required
def clinic_settings(request: SignedInRequest) -> HttpResponse:
    """The clinic-wide settings of sign-in: how long an idle staff sign-in lasts."""
    form = ClinicSettingsForm(request.POST or None, instance=request.user.clinic)
    if request.method == "POST" and form.is_valid():
        clinic_settings_save(
            clinic=request.user.clinic,
            staff_idle_minutes=form.cleaned_data["staff_idle_minutes"],
            urgent_escalation_minutes=form.cleaned_data["urgent_escalation_minutes"],
            country=form.cleaned_data["country"],
            by=request.user,
        )
        messages.success(request, "Saved.")
        return redirect("accounts:clinic-settings")
    return render(request, "accounts/clinic_settings.html", {"form": form})


@admin_required
def outgoing_email(request: SignedInRequest) -> HttpResponse:
    """The clinic's emails of the last weeks: queued, sent, or failed with the reason; and its
    latest text messages (reminders), the same way."""
    emails = Email.objects.filter(clinic=request.user.clinic)
    page = Paginator(emails, EMAILS_PER_PAGE).get_page(request.GET.get("page"))
    texts = list(Sms.objects.filter(clinic=request.user.clinic)[:EMAILS_PER_PAGE])
    return render(request, "accounts/outgoing_email.html", {"page": page, "texts": texts})
