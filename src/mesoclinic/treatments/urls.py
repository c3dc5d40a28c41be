"""Addresses of consultation records and treatment plans, under /clinic/."""

from django.urls import path

from mesoclinic.treatments import views
from mesoclinic.treatments.views import consent, photos, recall, sessions

app_name = "treatments"
urlpatterns = [
    path(
        "appointments/<int:appointment_id>/consultation/",
        views.appointment_consultation,
        name="appointment-consultation",
    ),
    path(
        "patients/<int:patient_id>/consultations/new/",
        views.chart_consultation,
        name="chart-consultation",
    ),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:consultation_id>/plan/", views.plan_edit, name="plan"),
    path(
        "consultations/<int:consultation_id>/sign/",
        views.consultation_sign_view,
        name="consultation-sign",
    ),
    path(
        "consultations/<int:consultation_id>/addenda/",
        views.addendum_add_view,
        name="addendum-add",
    ),
    path("plans/<int:plan_id>/book/", views.plan_book, name="plan-book"),
    path("sessions/<int:session_id>/photos/", photos.photo_upload, name="photo-upload"),
    path("photos/<int:photo_id>/", photos.photo_image, name="photo"),
    path("photos/<int:photo_id>/thumbnail/", photos.photo_thumbnail, name="photo-thumbnail"),
    path("lots/<int:lot_id>/recall/", recall.lot_recall, name="lot-recall"),
    path("consent-texts/", consent.consent_texts, name="consent-texts"),
    path("courses/<int:course_id>/consent/", consent.consent_tablet, name="consent-tablet"),
    path("consents/<int:consent_id>/", consent.consent_detail, name="consent"),
    path("consents/<int:consent_id>/pdf/", consent.consent_pdf_view, name="consent-pdf"),
    path("sessions/<int:session_id>/pdf/", sessions.session_pdf_view, name="session-pdf"),
    path(
        "appointments/<int:appointment_id>/session/",
        sessions.session_start_view,
        name="session-start",
    ),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<int:session_id>/points/", sessions.point_add_view, name="point-add"),
    path(
        "sessions/<int:session_id>/points/<int:point_id>/",
        sessions.point_change_view,
        name="point-change",
    ),
    path("sessions/<int:session_id>/sign/", sessions.session_sign_view, name="session-sign"),
    path(
        "sessions/<int:session_id>/addenda/",
        sessions.session_addendum_view,
        name="session-addendum",
    ),
]
