"""Every address of mesoclinic, by app; the chart and the dashboards come from `pages`."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from mesoclinic.accounts import views as accounts
from mesoclinic.accounts.views import LoginView, PasswordResetView
from mesoclinic.api import api
from mesoclinic.pages import audit as audit_trail
from mesoclinic.pages import views as pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", accounts.second_factor, name="second-factor"),
    path("two-factor/set-up/", accounts.second_factor_enrol, name="second-factor-enrol"),
    path("two-factor/passkey/", include("mesoclinic.accounts.passkeys")),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("mesoclinic.accounts.urls")),
    path("clinic/", include("mesoclinic.clinics.urls")),
    path("clinic/", include("mesoclinic.scheduling.urls")),
    path("clinic/", include("mesoclinic.inventory.urls")),
    path("clinic/", include("mesoclinic.treatments.urls")),
    path("clinic/", include("mesoclinic.followup.urls")),
    path("clinic/", include("mesoclinic.outcomes.urls")),
    path("audit/", include(([path("", audit_trail.event_list, name="events")], "audit"))),
    path("patients/<int:patient_id>/", pages.chart, name="chart"),
    path("patients/", include("mesoclinic.patients.urls")),
    path("portal/", include("mesoclinic.portal.urls")),
    path("portal/", include("mesoclinic.outcomes.portal_urls")),
    path("fhir/r4/", include("mesoclinic.fhir.urls")),
    path("api/v1/", api.urls),
]
