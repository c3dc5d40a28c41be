"""Addresses of the FHIR R4 read API, under /fhir/r4/."""

from django.urls import path

from mesoclinic.fhir import views

app_name = "fhir"
urlpatterns = [
    path("<str:resource_type>/<str:resource_id>", views.read, name="read"),
    path("<str:resource_type>", views.search, name="search"),
]
