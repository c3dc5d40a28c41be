"""Addresses of the patient's portal, under /portal/."""

from django.urls import path

from mesoclinic.portal import views

app_name = "portal"
urlpatterns = [
    path("intake/", views.intake, name="intake"),
    path("intake/<str:token>/", views.intake_by_link, name="intake-link"),
    path("courses/<int:course_id>/consent/", views.consent, name="consent"),
    path("sessions/", views.sessions, name="sessions"),
    path(
        "sessions/<int:appointment_id>/preparation.pdf",
        views.preparation_pdf,
        name="preparation-pdf",
    ),
    path("aftercare/", views.aftercare, name="aftercare"),
    path("side-effects/new/", views.side_effect_new, name="side-effect-new"),
    path("side-effects/<int:report_id>/", views.side_effect, name="side-effect"),
    path("sessions/<int:appointment_id>/aftercare.pdf", views.aftercare_pdf, name="aftercare-pdf"),
    path(
        "sessions/<int:appointment_id>/aftercare.ics", views.aftercare_ical, name="aftercare-ical"
    ),
]
