"""Addresses of the follow-up inbox, under /clinic/."""

from django.urls import path

from mesoclinic.followup import views

app_name = "followup"
urlpatterns = [
    path("follow-up/", views.inbox, name="inbox"),
    path("follow-up/<int:report_id>/", views.report, name="report"),
    path("follow-up/<int:report_id>/photo.jpg", views.report_photo, name="report-photo"),
    path(
        "patients/<int:patient_id>/side-effects/new/",
        views.report_by_phone,
        name="report-by-phone",
    ),
]
