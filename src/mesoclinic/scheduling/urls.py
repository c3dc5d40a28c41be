"""Addresses of the calendar's pages, under /clinic/."""

from django.urls import path

from mesoclinic.scheduling.views import calendar, closures, consultations, courses

app_name = "scheduling"
urlpatterns = [
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/feed/", calendar.feed_rotate, name="feed-rotate"),
    path(
        "closures/<int:closure_id>/appointments/",
        closures.closure_appointments,
        name="closure",
    ),
    path(
        "feeds/<int:practitioner_id>/<str:token>.ics",
        calendar.practitioner_feed,
        name="feed",
    ),
    path("patients/<int:patient_id>/plan-course/", courses.course_planner, name="plan-course"),
    path("courses/<int:course_id>/", courses.course_detail, name="course"),
    path("courses/<int:course_id>/calendar.ics", calendar.course_ical, name="course-ical"),
    path("courses/<int:course_id>/cancel/", courses.course_cancel_view, name="course-cancel"),
    path(
        "courses/<int:course_id>/sessions/<int:number>/move/",
        courses.session_move_view,
        name="session-move",
    ),
    path(
        "patients/<int:patient_id>/book-consultation/",
        consultations.book_consultation,
        name="book-consultation",
    ),
    path(
        "appointments/<int:appointment_id>/",
        consultations.appointment_detail,
        name="appointment",
    ),
    path(
        "appointments/<int:appointment_id>/status/",
        consultations.appointment_status,
        name="appointment-status",
    ),
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        consultations.appointment_ical,
        name="appointment-ical",
    ),
]
