"""Addresses of outcomes under /clinic/."""

from django.urls import path

from mesoclinic.outcomes import report_views, views

app_name = "outcomes"
urlpatterns = [
    path("courses/<int:course_id>/score/", views.course_score, name="course-score"),
    path("recalls/", views.recalls, name="recalls"),
    path(
        "patients/<int:patient_id>/before-after/",
        views.patient_before_after,
        name="before-after",
    ),
]
urlpatterns += [
    path("reports/", report_views.report, {"name": "courses"}, name="reports"),
    path("reports/<slug:name>/", report_views.report, name="report"),
    path("reports/<slug:name>.csv", report_views.report_csv, name="report-csv"),
    path("reports/<slug:name>/patients/", report_views.report_patients, name="report-patients"),
]
