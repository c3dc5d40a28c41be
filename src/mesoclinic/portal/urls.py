"""Addresses of the patient's portal, under /portal/."""

from django.urls import path

from mesoclinic.portal import views

app_name = "portal"
urlpatterns = [
    path("intake/", views.intake, name="intake"),
    path("intake/<str:token>/", views.intake_by_link, name="intake-link"),
    path("courses/<int:course_id>/consent/", views.consent, name="consent"),
]
