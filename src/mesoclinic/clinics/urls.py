from django.urls import path

from mesoclinic.clinics import views

app_name = "clinics"
urlpatterns = [
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/new/", views.room_edit, name="room-new"),
    path("rooms/<int:room_id>/", views.room_edit, name="room-edit"),
    path("practitioners/", views.practitioner_list, name="practitioners"),
    path("practitioners/new/", views.practitioner_edit, name="practitioner-new"),
    path("practitioners/<int:practitioner_id>/", views.practitioner_edit, name="practitioner-edit"),
    path("opening-hours/", views.opening_hours_edit, name="opening-hours"),
    path("closures/", views.closures, name="closures"),
    path("closures/<int:closure_id>/delete/", views.closure_delete, name="closure-delete"),
]
