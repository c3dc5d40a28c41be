"""The address of the audit trail."""

from django.urls import path

from mesoclinic.audit import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="events")]
