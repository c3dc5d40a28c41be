"""Addresses of the patient record's pages, under /patients/."""

from django.urls import path

from mesoclinic.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_search, name="search"),
    path("new/", views.patient_edit, name="new"),
    path("codes/<slug:kind>/", views.code_search, name="codes"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/new/", views.mapping_new, name="mapping-new"),
    path("mappings/unrecognised/", views.unrecognised_list, name="unrecognised"),
    path("mappings/<int:mapping_id>/revoke/", views.mapping_revoke, name="mapping-revoke"),
    path("<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<int:patient_id>/intake-link/", views.send_intake_link, name="intake-link"),
    path("<int:patient_id>/<slug:kind>/new/", views.history_edit, name="history-new"),
    path("<int:patient_id>/<slug:kind>/<int:entry_id>/", views.history_edit, name="history-edit"),
    path(
        "<int:patient_id>/<slug:kind>/<int:entry_id>/confirm/",
        views.history_confirm,
        name="history-confirm",
    ),
]
