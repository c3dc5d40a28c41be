"""The clinic admin manages rooms, practitioners, opening hours and working hours."""

import datetime as dt

from django.urls import reverse

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import OpeningHours, Practitioner, Room
from tests import factories


def test_room_list_query_count_does_not_grow(client_for, alice, harbour, django_assert_num_queries):
    client = client_for(alice)
    factories.RoomFactory(clinic=harbour)
    # 1 session, 2 user, 3 their second factor, 4 rooms
    with django_assert_num_queries(4):
        client.get(reverse("clinics:rooms"))
    factories.RoomFactory.create_batch(2, clinic=harbour)
    with django_assert_num_queries(4):
        response = client.get(reverse("clinics:rooms"))
    assert len(response.context["rooms"]) == 3


def test_practitioner_list_query_count_does_not_grow(
    client_for, alice, harbour, django_assert_num_queries
):
    client = client_for(alice)
    factories.WorkingHoursFactory(practitioner__clinic=harbour)
    # 1 session, 2 user, 3 their second factor, 4 practitioners with their users, 5 their hours
    with django_assert_num_queries(5):
        client.get(reverse("clinics:practitioners"))
    for _ in range(2):
        factories.WorkingHoursFactory(practitioner__clinic=harbour)
    with django_assert_num_queries(5):
        response = client.get(reverse("clinics:practitioners"))
    assert len(response.context["practitioners"]) == 3


def test_adding_a_room_is_audited(client_for, alice, harbour):
    client_for(alice).post(
        reverse("clinics:room-new"), {"name": "Room 3", "active": "on", "for_sessions": "on"}
    )
    room = Room.objects.get()
    assert (room.clinic, room.name, room.active) == (harbour, "Room 3", True)
    assert list(
        AuditEvent.objects.filter(action="create").values_list("object_type", "summary")
    ) == [("clinics.Room", "Room 3: name")]


def test_room_names_are_unique_within_a_clinic_only(client_for, alice, harbour, riverside):
    factories.RoomFactory(clinic=harbour, name="Room 1")
    factories.RoomFactory(clinic=riverside, name="Room 2")
    client = client_for(alice)
    clash = client.post(reverse("clinics:room-new"), {"name": "room 1"})
    assert clash.context["form"].errors == {
        "name": ["This clinic already has a room of that name."]
    }
    assert client.post(reverse("clinics:room-new"), {"name": "Room 2"}).status_code == 302


def practitioner_data(**overrides):
    data = {
        "user-username": "dr.new",
        "user-first_name": "Nora",
        "user-last_name": "Quinn",
        "user-email": "nora@example.org",
        "user-is_active": "on",
        "practitioner-profession": "nurse",
        "practitioner-registration_number": "NMC 12A3456B",
        "practitioner-active": "on",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "1",
        "hours-0-starts": "09:00",
        "hours-0-ends": "13:00",
        "hours-1-weekday": "1",
        "hours-1-starts": "14:00",
        "hours-1-ends": "18:00",
    }
    return {**data, **overrides}


def test_adding_a_practitioner_creates_account_and_hours_together(client_for, alice, harbour):
    response = client_for(alice).post(reverse("clinics:practitioner-new"), practitioner_data())
    assert response.url == reverse("clinics:practitioners")
    practitioner = Practitioner.objects.get()
    assert (practitioner.user.role, practitioner.clinic, practitioner.profession) == (
        "practitioner",
        harbour,
        "nurse",
    )
    assert [str(h) for h in practitioner.working_hours.all()] == [
        "Tuesday 09:00–13:00",
        "Tuesday 14:00–18:00",
    ]


def test_overlapping_working_hours_are_refused_and_nothing_is_saved(client_for, alice):
    data = practitioner_data(**{"hours-1-starts": "12:00"})
    response = client_for(alice).post(reverse("clinics:practitioner-new"), data)
    assert response.status_code == 200
    assert response.context["hours"].non_form_errors() == ["Two periods overlap on Tuesday."]
    assert (User.objects.filter(username="dr.new").exists(), Practitioner.objects.count()) == (
        False,
        0,
    )


def test_hours_that_end_before_they_start_show_a_field_error(client_for, alice):
    data = practitioner_data(**{"hours-0-ends": "08:00"})
    response = client_for(alice).post(reverse("clinics:practitioner-new"), data)
    assert response.context["hours"].forms[0].errors == {
        "ends": ["Closing time must be after opening time."]
    }


def test_opening_hours_are_saved_for_the_admins_clinic(client_for, alice, harbour, riverside):
    factories.OpeningHoursFactory(clinic=riverside, weekday=0)
    data = {
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "5",
        "hours-0-starts": "10:00",
        "hours-0-ends": "14:00",
    }
    client_for(alice).post(reverse("clinics:opening-hours"), data)
    assert list(OpeningHours.objects.filter(clinic=harbour).values_list("weekday", "starts")) == [
        (5, dt.time(10))
    ]
    assert OpeningHours.objects.filter(clinic=riverside).count() == 1


def test_another_clinics_admin_can_neither_open_nor_change_harbours_set_up(
    client_for, harbour, charlie
):
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    practitioner = factories.PractitionerFactory(clinic=harbour)
    urls = [
        reverse("clinics:room-edit", args=[room.pk]),
        reverse("clinics:practitioner-edit", args=[practitioner.pk]),
    ]
    client = client_for(charlie)
    assert [client.post(url, {"name": "Hijacked"}).status_code for url in urls] == [404, 404]
    room.refresh_from_db()
    assert room.name == "Room 1"


def test_the_room_list_shows_only_the_admins_own_clinic(client_for, harbour, riverside, charlie):
    factories.RoomFactory(clinic=harbour, name="Harbour room")
    factories.RoomFactory(clinic=riverside, name="Riverside room")
    response = client_for(charlie).get(reverse("clinics:rooms"))
    assert [room.name for room in response.context["rooms"]] == ["Riverside room"]
