from django.urls import path

from mesoclinic.scheduling import calendar_views, consultation_views, course_views, views

app_name = "scheduling"
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
    path("calendar/", calendar_views.calendar, name="calendar"),
    path(
        "feeds/<int:practitioner_id>/<str:token>.ics",
        calendar_views.practitioner_feed,
        name="feed",
    ),
    path("patients/<int:patient_id>/plan-course/", course_views.plan_course, name="plan-course"),
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
