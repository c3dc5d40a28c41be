"""Addresses of the staff's own security page and the clinic admin's staff pages."""

from django.urls import path

from mesoclinic.accounts import views

app_name = "accounts"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_edit, name="staff-new"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff-edit"),
    path(
        "staff/<int:user_id>/reset-second-factor/",
        views.second_factor_reset_view,
        name="second-factor-reset",
    ),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("clinic/", views.clinic_settings, name="clinic-settings"),
    path("emails/", views.outgoing_email, name="emails"),
]
