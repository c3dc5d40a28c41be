"""The clinic admin manages admin and reception accounts."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent
from tests import factories

NEW_RECEPTIONIST = {
    "username": "rosa",
    "first_name": "Rosa",
    "last_name": "Price",
    "email": "rosa@example.org",
    "role": "reception",
    "is_active": "on",
}

# Emailed links point at the configured site address, not at the host a request named.
SITE_LINK = re.escape(settings.SITE_URL) + r"(/password-reset/\S+/)"


def test_staff_list_query_count_does_not_grow(
    client_for, alice, harbour, django_assert_num_queries
):
    client = client_for(alice)
    # 1 session, 2 user, 3 their second factor, 4 staff list
    with django_assert_num_queries(4):
        client.get(reverse("accounts:staff"))
    factories.UserFactory.create_batch(2, clinic=harbour, role="reception")
    with django_assert_num_queries(4):
        response = client.get(reverse("accounts:staff"))
    assert len(response.context["staff"]) == 3


def test_adding_a_receptionist_invites_them_by_email(
    client_for, alice, harbour, client, django_capture_on_commit_callbacks
):
    # The invitation is sent once the account is saved, never before.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(reverse("accounts:staff-new"), NEW_RECEPTIONIST)
    assert response.url == reverse("accounts:staff")
    rosa = User.objects.get(username="rosa")
    assert (rosa.clinic, rosa.role, rosa.has_usable_password()) == (harbour, "reception", False)
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert "Your user name is rosa." in mail.outbox[0].body
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.object_type, event.object_id) == (
        alice,
        "accounts.User",
        str(rosa.pk),
    )
    link = re.search(SITE_LINK, mail.outbox[0].body).group(1)
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is True


def test_staff_form_shows_field_errors(client_for, alice):
    response = client_for(alice).post(
        reverse("accounts:staff-new"),
        {**NEW_RECEPTIONIST, "email": "not-an-email", "role": "patient"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter a valid email address."],
        "role": ["Select a valid choice. patient is not one of the available choices."],
    }
    assert not User.objects.filter(username="rosa").exists()


def test_admin_can_deactivate_a_receptionist(client_for, alice, rita):
    data = {**NEW_RECEPTIONIST, "username": "rita", "email": rita.email}
    del data["is_active"]
    client_for(alice).post(reverse("accounts:staff-edit", args=[rita.pk]), data)
    rita.refresh_from_db()
    assert (rita.is_active, rita.first_name) == (False, "Rosa")


def test_the_staff_page_edits_neither_patients_nor_practitioners(client_for, alice, pat, paula):
    client = client_for(alice)
    assert [
        client.get(reverse("accounts:staff-edit", args=[user.pk])).status_code
        for user in (pat.user, paula)
    ] == [404, 404]
