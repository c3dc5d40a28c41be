"""Addresses of outcomes under /clinic/."""

from django.urls import path

from mesoclinic.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("courses/<int:course_id>/score/", views.course_score, name="course-score"),
    path("recalls/", views.recalls, name="recalls"),
]
