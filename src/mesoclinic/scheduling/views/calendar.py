"""The staff calendar (day and week, by practitioner or by room) and the calendar files."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.models import Clinic, Role
from mesoclinic.accounts.permissions import SignedInRequest, signed_in_required, staff_required
from mesoclinic.accounts.site import site_url
from mesoclinic.audit.domain import audit_event, audit_ids_shown, audit_list_shown
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import ClinicClosure, Practitioner
from mesoclinic.scheduling.access import course_for, practitioner_for_feed
from mesoclinic.scheduling.domain.feeds import feed_token_rotate
from mesoclinic.scheduling.ical import appointments_to_ical
from mesoclinic.scheduling.links import address_of_each, entry_html
from mesoclinic.scheduling.models import LONGEST_APPOINTMENT, Appointment, AppointmentStatus
from mesoclinic.scheduling.queries import CalendarRow, calendar_resources, calendar_rows

VIEWS = ("day", "week")
BY = ("practitioner", "room")
FEED_DAYS_BACK = 30
# The rows one page of the calendar shows: a week of a few practitioners or rooms, or the
# whole clinic's day; a large clinic's other rows are a click away, never rendered unasked.
ROWS_PER_PAGE = {"week": 5, "day": 20}
# The years the calendar shows: far enough either way for any booking, and a week's arithmetic
# at either end never leaves the dates Python can hold.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
ENTRY = (
    '<div class="appt appt-{}" data-appointment="{}">\n'
    '        <a class="appt-time" href="{}">{}</a>\n'
    "        {}\n"
    '        <span class="appt-what">{} · {}</span>\n'
    "      </div>"
)


@staff_required
def calendar(request: SignedInRequest) -> HttpResponse:
    """The day or week by practitioner or by room; htmx swaps only the calendar when navigating."""
    clinic = request.user.clinic
    view = _chosen(request.GET.get("view"), VIEWS, "week")
    by = _chosen(request.GET.get("by"), BY, "practitioner")
    today = timezone.localdate(timezone=clinic.tzinfo)
    asked = request.GET.get("date")
    shown = _day(asked)
    problem = ""
    if shown is None:
        shown = today
        if asked:
            problem = (
                f"“{asked}” is not a date the calendar can show "
                f"(a day from {FIRST_DAY.year} to {LAST_DAY.year}, as YYYY-MM-DD): showing today."
            )
    first = shown - timedelta(days=shown.weekday()) if view == "week" else shown
    days = [first + timedelta(days=n) for n in range(7 if view == "week" else 1)]
    step = timedelta(days=7 if view == "week" else 1)
    page = _rows_page(clinic, by, view, request.GET.get("page"))
    rows = _written(calendar_rows(clinic, by, days, list(page)), by)
    closed = dict(
        ClinicClosure.objects.filter(clinic=clinic, day__range=(days[0], days[-1])).values_list(
            "day", "reason"
        )
    )
    summary = f"calendar {view} of {first} by {by}" + _which_rows(page, by)
    audit_ids_shown(
        by=request.user,
        patient_ids=(a.patient_id for row in rows for day in row.days for a in day),
        summary=summary,
        clinic_id=clinic.pk,
        listing=audit_event(by=request.user, action=Action.READ, obj=clinic, summary=summary),
    )
    context = {
        "view": view,
        "by": by,
        "days": days,
        "heads": [(day, day in closed, closed.get(day, "")) for day in days],
        "rows": rows,
        "page": page,
        # Moving through the weeks keeps the rows; choosing another view or rows starts over.
        "page_param": f"&page={page.number}" if page.number > 1 else "",
        "first_day": first.isoformat(),
        "rows_url": f"{reverse('scheduling:calendar')}?view={view}&by={by}&date={first}",
        "row_choices": _row_choices(page),
        "previous": first - step,
        "next": first + step,
        "today": today,
        "problem": problem,
        "feed": _own_feed(request),
    }
    template = (
        "scheduling/_calendar.html"
        if request.headers.get("HX-Request")
        else "scheduling/calendar.html"
    )
    return render(request, template, context)


def _rows_page(clinic: Clinic, by: str, view: str, number: str | None) -> Page[Any]:
    """The page of practitioners or rooms asked for (the nearest one when it is no page)."""
    return Paginator(calendar_resources(clinic, by), ROWS_PER_PAGE[view]).get_page(number)


def _written(rows: list[CalendarRow], by: str) -> list[CalendarRow]:
    """Each entry's markup, written here rather than by the template: a large clinic's page
    shows hundreds, and the template engine takes several times longer over each."""
    appointment_at = address_of_each("scheduling:appointment")
    course_at = address_of_each("scheduling:course")
    for entry in (a for row in rows for day in row.days for a in day):
        patient = (
            entry_html('<a href="{}">{}</a>', course_at.format(entry.course_id), entry.patient)
            if entry.course_id
            else entry_html("{}", entry.patient)
        )
        entry.html = entry_html(
            ENTRY,
            entry.status,
            entry.pk,
            appointment_at.format(entry.pk),
            entry.hours,
            patient,
            entry.what,
            # The practitioner of a room's entry, the room of a practitioner's.
            entry.practitioner if by == "room" else entry.room,
        )
    return rows


def _row_choices(page: Page[Any]) -> list[tuple[int, Any, bool]]:
    """Each practitioner or room with the page that shows it, for the chooser; the page's
    first is the one chosen."""
    per_page, first = page.paginator.per_page, page.start_index() - 1
    return [(n // per_page + 1, r, n == first) for n, r in enumerate(page.paginator.object_list)]


def _which_rows(page: Page[Any], by: str) -> str:
    """Which rows a paged calendar showed, for its audit; nothing when it showed them all."""
    if not page.has_other_pages():
        return ""
    return f", {by}s {page.start_index()}–{page.end_index()} of {page.paginator.count}"


def _chosen(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    return value if value is not None and value in allowed else default


def _day(text: str | None) -> date | None:
    """The day asked for, or None when it is no date or lies outside the calendar's years."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _own_feed(request: SignedInRequest) -> Practitioner | None:
    """The practitioner record of a practitioner, whose private feed the page offers."""
    if request.user.role != Role.PRACTITIONER:
        return None
    return Practitioner.objects.filter(user=request.user).first()


@require_POST
@staff_required
def feed_rotate(request: SignedInRequest) -> HttpResponse:
    """Make a new private feed address, shown once; the old one stops working."""
    practitioner = _own_feed(request)
    if practitioner is None:
        raise PermissionDenied("Only a practitioner has a calendar feed.")
    token = feed_token_rotate(practitioner=practitioner, by=request.user)
    url = site_url(reverse("scheduling:feed", args=[practitioner.pk, token]))
    return render(request, "scheduling/feed_created.html", {"feed_url": url})


@signed_in_required
def course_ical(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The course's sessions as an .ics file, for staff of the clinic or the patient."""
    course = course_for(request.user, course_id, purpose="course calendar file")
    # Cancelled sessions stay in the file, so a calendar that imported it learns they are off.
    sessions = course.sessions.exclude(status=AppointmentStatus.PROPOSED).select_related(
        "practitioner__user", "room", "clinic", "patient"
    )
    staff = request.user.role != Role.PATIENT
    body = appointments_to_ical(sessions, f"Mesotherapy course {course.pk}", staff=staff)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.ics"'
    return response


def practitioner_feed(request: HttpRequest, practitioner_id: int, token: str) -> HttpResponse:
    """A practitioner's appointments as a feed; the secret token in the address is the key."""
    practitioner = practitioner_for_feed(practitioner_id, token)
    since = timezone.now() - timedelta(days=FEED_DAYS_BACK)
    appointments = list(
        Appointment.objects.exclude(status=AppointmentStatus.PROPOSED)
        .filter(practitioner=practitioner, end__gte=since, start__gt=since - LONGEST_APPOINTMENT)
        .select_related("practitioner__user", "room", "clinic", "patient")
    )
    listing = audit_event(
        by=None,
        action=Action.EXPORT,
        obj=practitioner,
        summary="calendar feed",
        clinic_id=practitioner.clinic_id,
    )
    audit_list_shown(
        by=None,
        patients=(a.patient for a in appointments),
        summary=f"calendar feed of {practitioner}",
        action=Action.EXPORT,
        listing=listing,
    )
    body = appointments_to_ical(appointments, f"{practitioner} — mesoclinic", staff=True)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
