"""Who may open which page: every page is tried by every kind of intruder."""

import pytest
from django.urls import reverse

from tests import factories

ADMIN_PAGES = [
    "accounts:staff",
    "accounts:staff-new",
    "clinics:rooms",
    "clinics:room-new",
    "clinics:practitioners",
    "clinics:practitioner-new",
    "clinics:opening-hours",
    "audit:events",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_opens_admin_pages(client_for, alice, page):
    assert client_for(alice).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, db, page):
    response = client.get(reverse(page))
    assert (response.status_code, response.url) == (302, f"/login/?next={reverse(page)}")


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("intruder", ["rita", "paula"])
def test_reception_and_practitioners_cannot_reach_admin_pages(
    db, client_for, request, intruder, page
):
    user = request.getfixturevalue(intruder)
    assert client_for(user).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_patient_cannot_reach_staff_pages(client_for, pat, page):
    assert client_for(pat.user).get(reverse(page)).status_code == 403


def harbour_objects(harbour, alice):
    """One object of each kind that Harbour's admin pages edit, as (url name, kwargs)."""
    room = factories.RoomFactory(clinic=harbour)
    practitioner = factories.PractitionerFactory(clinic=harbour)
    receptionist = factories.UserFactory(clinic=harbour, role="reception")
    return [
        ("clinics:room-edit", {"room_id": room.pk}),
        ("clinics:practitioner-edit", {"practitioner_id": practitioner.pk}),
        ("accounts:staff-edit", {"user_id": receptionist.pk}),
    ]


def test_other_clinics_admin_gets_404_on_every_harbour_object(client_for, harbour, alice, charlie):
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in harbour_objects(harbour, alice)]
    client = client_for(charlie)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert [client.post(url, {"name": "Hijacked"}).status_code for url in urls] == [404, 404, 404]


def test_admin_pages_list_only_their_own_clinic(client_for, harbour, riverside, charlie):
    factories.RoomFactory(clinic=harbour, name="Harbour room")
    factories.RoomFactory(clinic=riverside, name="Riverside room")
    response = client_for(charlie).get(reverse("clinics:rooms"))
    assert [room.name for room in response.context["rooms"]] == ["Riverside room"]


def test_staff_page_does_not_edit_patients_or_practitioners(client_for, alice, pat, paula):
    client = client_for(alice)
    for user in (pat.user, paula):
        assert client.get(reverse("accounts:staff-edit", args=[user.pk])).status_code == 404
