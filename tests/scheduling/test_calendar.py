"""The staff calendar: day and week, by practitioner and by room, one clinic only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.models import Patient
from tests import factories
from tests.scheduling.factories import AppointmentFactory

LONDON = ZoneInfo("Europe/London")
TUESDAY = dt.date(2026, 12, 1)


def at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def cells(response):
    """Each row's appointments as (resource, [[patient names per day]])."""
    return [
        (str(row.resource), [[str(a.patient) for a in day] for day in row.days])
        for row in response.context["rows"]
    ]


def week_url(by="practitioner", view="week", day=TUESDAY):
    return f"{reverse('scheduling:calendar')}?view={view}&by={by}&date={day}"


def test_week_by_practitioner_and_day_by_room(client_for, rita, paula, harbour, pat):
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    AppointmentFactory(
        patient=pat, practitioner=paula.practitioner, room=room, start=at(TUESDAY, 10)
    )
    AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=room,
        start=at(TUESDAY, 11),
        status="cancelled",
    )
    client = client_for(rita)
    week = client.get(week_url())
    assert [d.isoformat() for d in week.context["days"]] == [f"2026-11-{d}" for d in (30,)] + [
        f"2026-12-0{d}" for d in range(1, 7)
    ]
    assert cells(week) == [("Paula Tester", [[], ["Pat Example"], [], [], [], [], []])]
    day = client.get(week_url(by="room", view="day"))
    assert cells(day) == [("Room 1", [["Pat Example"]])]


def test_names_in_an_entry_are_escaped(client_for, rita, paula, harbour):
    patient = factories.PatientFactory(clinic=harbour, given_name="Zoë <b>", family_name="O'Neil")
    room = factories.RoomFactory(clinic=harbour, name="Room & Co")
    AppointmentFactory(patient=patient, practitioner=paula.practitioner, room=room)
    page = client_for(rita).get(week_url(view="day")).content.decode()
    assert "Zoë &lt;b&gt; O&#x27;Neil" in page
    assert '<span class="appt-what">consultation · Room &amp; Co</span>' in page
    assert "<b>" not in page


def test_navigating_with_htmx_swaps_only_the_calendar(client_for, rita):
    response = client_for(rita).get(
        week_url(day=TUESDAY + dt.timedelta(days=7)), HTTP_HX_REQUEST="true"
    )
    assert [t.name for t in response.templates] == ["scheduling/_calendar.html"]
    assert (response.context["previous"], response.context["next"]) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 14),
    )


def test_other_clinics_appointments_never_show(client_for, charlie, paula, harbour, pat):
    AppointmentFactory(patient=pat, practitioner=paula.practitioner, start=at(TUESDAY, 10))
    assert cells(client_for(charlie).get(week_url())) == []


def test_the_calendar_is_for_staff(client, client_for, pat):
    url = reverse("scheduling:calendar")
    assert client_for(pat.user).get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"/login/?next={url}")


def test_reading_the_calendar_is_audited(client_for, rita, harbour):
    client_for(rita).get(week_url())
    assert list(AuditEvent.objects.filter(action="read").values_list("actor_label", "summary")) == [
        ("rita", "calendar week of 2026-11-30 by practitioner")
    ]


@pytest.mark.parametrize("by", ["practitioner", "room"])
def test_calendar_query_count_does_not_grow(
    client_for, rita, paula, harbour, django_assert_num_queries, by
):
    client = client_for(rita)
    room = factories.RoomFactory(clinic=harbour)
    patients = [factories.PatientFactory(clinic=harbour) for _ in range(3)]
    AppointmentFactory(
        patient=patients[0], practitioner=paula.practitioner, room=room, start=at(TUESDAY, 9)
    )
    # 1 session, 2 user, 3 their second factor, 4 the audit chain's head, 5 audit row,
    # 6 practitioners or rooms, 7 appointments with their patients', practitioners' and rooms'
    # names, 8 the week's closed days
    with django_assert_num_queries(8):
        client.get(week_url(by=by))
    for n, patient in enumerate(patients[1:], start=1):
        AppointmentFactory(
            patient=patient, practitioner=paula.practitioner, room=room, start=at(TUESDAY, 9 + n)
        )
    with django_assert_num_queries(8):
        response = client.get(week_url(by=by))
    assert sum(len(day) for row in response.context["rows"] for day in row.days) == 3


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2026-02-30", "tuesday"])
def test_a_date_outside_the_calendar_says_so_and_shows_today(client_for, rita, frozen_now, text):
    response = client_for(rita).get(f"{reverse('scheduling:calendar')}?view=week&date={text}")
    assert response.status_code == 200
    assert response.context["days"][0] == dt.date(2026, 11, 16)
    assert f"“{text}” is not a date the calendar can show" in response.content.decode()


def test_the_calendar_shows_closed_days_with_their_reason(client_for, rita, harbour):
    from tests.scheduling.factories import closed_on

    closed_on(harbour, TUESDAY, reason="Staff training")
    response = client_for(rita).get(week_url())
    assert [(d.isoformat(), closed, why) for d, closed, why in response.context["heads"]][:3] == [
        ("2026-11-30", False, ""),
        ("2026-12-01", True, "Staff training"),
        ("2026-12-02", False, ""),
    ]
    assert '<span class="closed-day">Closed: Staff training</span>' in response.content.decode()


def practitioners_with_a_session(harbour, names, day=TUESDAY):
    """A practitioner per name (ordered by it), each with one appointment at 10:00 on `day`
    in a room of their own."""
    for name in names:
        room = factories.RoomFactory(clinic=harbour)
        practitioner = factories.PractitionerFactory(
            clinic=harbour, user__first_name=name, user__last_name="Doc"
        )
        patient = factories.PatientFactory(clinic=harbour, given_name=f"Patient of {name}")
        AppointmentFactory(patient=patient, practitioner=practitioner, room=room, start=at(day, 10))


def test_a_large_clinics_week_shows_a_few_practitioners_at_a_time(client_for, rita, harbour):
    names = ["Ann", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus"]
    practitioners_with_a_session(harbour, names)
    client = client_for(rita)
    first = client.get(week_url())
    assert [row for row, _ in cells(first)] == [f"{n} Doc" for n in names[:5]]
    second = client.get(week_url() + "&page=2")
    assert cells(second) == [
        (f"{n} Doc", [[], [f"Patient of {n} Example"], [], [], [], [], []]) for n in ("Fay", "Gus")
    ]
    # The chooser names every practitioner with the page that shows them.
    assert [(n, str(r), chosen) for n, r, chosen in second.context["row_choices"]] == [
        (1 if i < 5 else 2, f"{name} Doc", name == "Fay") for i, name in enumerate(names)
    ]
    page = second.content.decode()
    assert "Practitioners 6–7 of 7" in page
    monday = week_url(day=dt.date(2026, 11, 30)).replace("&", "&amp;")
    assert f'<a href="{monday}&amp;page=1" hx-get="{monday}&amp;page=1">← Previous' in page
    # Moving a week on keeps the practitioners shown.
    assert "date=2026-12-07&amp;page=2" in page
    audited = AuditEvent.objects.filter(action="read").order_by("pk")
    assert list(audited.values_list("summary", "patients_shown")) == [
        ("calendar week of 2026-11-30 by practitioner, practitioners 1–5 of 7", shown(first)),
        ("calendar week of 2026-11-30 by practitioner, practitioners 6–7 of 7", shown(second)),
    ]
    assert shown(second).split() == [
        str(pk)
        for pk in Patient.objects.filter(given_name__in=["Patient of Fay", "Patient of Gus"])
        .order_by("given_name")
        .values_list("pk", flat=True)
    ]


def shown(response):
    """The patients a calendar page showed, as its audit row names them."""
    ids = [a.patient_id for row in response.context["rows"] for day in row.days for a in day]
    return f" {' '.join(str(pk) for pk in ids)} "


def test_the_day_shows_the_whole_clinic(client_for, rita, harbour):
    names = ["Ann", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus"]
    practitioners_with_a_session(harbour, names)
    response = client_for(rita).get(week_url(view="day"))
    assert cells(response) == [(f"{n} Doc", [[f"Patient of {n} Example"]]) for n in names]
    assert "Practitioners 1–" not in response.content.decode()


def test_a_page_past_the_last_shows_the_last(client_for, rita, harbour):
    practitioners_with_a_session(harbour, ["Ann", "Ben", "Cal", "Dee", "Eve", "Fay"])
    client = client_for(rita)
    shown = [
        [row for row, _ in cells(client.get(week_url() + f"&page={page}"))] for page in ("9", "x")
    ]
    assert shown == [["Fay Doc"], ["Ann Doc", "Ben Doc", "Cal Doc", "Dee Doc", "Eve Doc"]]


@pytest.mark.parametrize("view", ["week", "day"])
def test_calendar_query_count_does_not_grow_with_practitioners(
    client_for, rita, harbour, django_assert_num_queries, view
):
    client = client_for(rita)
    practitioners_with_a_session(harbour, ["Ann"])
    # 1 session, 2 user, 3 their second factor, 4 the audit chain's head, 5 audit row,
    # 6 practitioners, 7 appointments with their patients', practitioners' and rooms' names,
    # 8 the closed days
    with django_assert_num_queries(8):
        client.get(week_url(view=view))
    practitioners_with_a_session(harbour, ["Ben", "Cal"])
    with django_assert_num_queries(8):
        response = client.get(week_url(view=view))
    assert sum(len(day) for row in response.context["rows"] for day in row.days) == 3
