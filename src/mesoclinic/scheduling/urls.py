from django.urls import path

from mesoclinic.scheduling import calendar_views, consultation_views, course_views

app_name = "scheduling"
urlpatterns = [
    path("calendar/", calendar_views.calendar, name="calendar"),
    path(
        "feeds/<int:practitioner_id>/<str:token>.ics",
        calendar_views.practitioner_feed,
        name="feed",
    ),
    path("patients/<int:patient_id>/plan-course/", course_views.course_planner, name="plan-course"),
    path("courses/<int:course_id>/", course_views.course_detail, name="course"),
    path("courses/<int:course_id>/calendar.ics", calendar_views.course_ical, name="course-ical"),
    path("courses/<int:course_id>/cancel/", course_views.course_cancel_view, name="course-cancel"),
    path(
        "courses/<int:course_id>/sessions/<int:number>/move/",
        course_views.session_move_view,
        name="session-move",
    ),
    path(
        "patients/<int:patient_id>/book-consultation/",
        consultation_views.book_consultation,
        name="book-consultation",
    ),
    path(
        "appointments/<int:appointment_id>/",
        consultation_views.appointment_detail,
        name="appointment",
    ),
    path(
        "appointments/<int:appointment_id>/status/",
        consultation_views.appointment_status,
        name="appointment-status",
    ),
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        consultation_views.appointment_ical,
        name="appointment-ical",
    ),
]
