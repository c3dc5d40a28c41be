"""Addresses of the FHIR R4 read API, under /fhir/r4/; any other address there is refused."""

from django.urls import path, re_path

from mesoclinic.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("$export", views.export_kickoff, name="export"),
    path("Patient/$export", views.export_kickoff, name="patient-export"),
    path("$export-status/<int:export_id>", views.export_status, name="export-status"),
    path("$export-file/<int:export_id>/<str:file_name>", views.export_file, name="export-file"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)/(?P<resource_id>[^/]+)$", views.read, name="read"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", views.search, name="search"),
    re_path(r"^(?P<rest>.*)$", views.unknown, name="unknown"),
]
