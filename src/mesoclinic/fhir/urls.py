"""Addresses of the FHIR R4 read API, under /fhir/r4/; any other address there is refused."""

from django.urls import path, re_path

from mesoclinic.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[^/]+)$", views.read, name="read"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", views.search, name="search"),
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
