"""Addresses of the clinic admin's staff pages."""

from django.urls import path

from mesoclinic.accounts import views

app_name = "accounts"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_edit, name="staff-new"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff-edit"),
]
