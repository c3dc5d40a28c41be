"""Signing in and out, and the clinic admin's staff pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mesoclinic.accounts.domain import staff_save
from mesoclinic.accounts.forms import StaffForm, ThrottledAuthenticationForm
from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.permissions import SignedInRequest, admin_required
from mesoclinic.accounts.site import site_link_context

STAFF_ROLES_MANAGED_HERE = [Role.ADMIN, Role.RECEPTION]


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The emailed link points at the configured site address, whatever host the request named."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = site_link_context()
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
        messages.success(request, f"Saved {saved}.")
        return redirect("accounts:staff")
    return render(request, "accounts/staff_form.html", {"form": form, "member": member})
