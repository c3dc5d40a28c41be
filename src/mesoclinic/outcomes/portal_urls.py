"""The patient's outcomes under /portal/."""

from django.urls import path

from mesoclinic.outcomes import views

app_name = "outcomes-portal"
urlpatterns = [
    path("outcomes/", views.my_outcomes, name="outcomes"),
    path("before-after/", views.my_before_after, name="before-after"),
    path("courses/<int:course_id>/score/", views.my_course_score, name="course-score"),
]
