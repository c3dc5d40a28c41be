"""Addresses of consultation records and treatment plans, under /clinic/."""

from django.urls import path

from mesoclinic.treatments import views

app_name = "treatments"
urlpatterns = [
    path(
        "appointments/<int:appointment_id>/consultation/",
        views.appointment_consultation,
        name="appointment-consultation",
    ),
    path(
        "patients/<int:patient_id>/consultations/new/",
        views.chart_consultation,
        name="chart-consultation",
    ),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:consultation_id>/plan/", views.plan_edit, name="plan"),
    path(
        "consultations/<int:consultation_id>/sign/",
        views.consultation_sign_view,
        name="consultation-sign",
    ),
    path(
        "consultations/<int:consultation_id>/addenda/",
        views.addendum_add_view,
        name="addendum-add",
    ),
    path("plans/<int:plan_id>/book/", views.plan_book, name="plan-book"),
]
