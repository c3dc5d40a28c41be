"""The clinic admin closes the clinic on holidays; nothing is planned on a closed day."""

import datetime as dt

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import ClinicClosure
from tests.scheduling.factories import closed_on

pytestmark = pytest.mark.usefixtures("frozen_now")


CHRISTMAS = dt.date(2026, 12, 25)


def test_the_admin_closes_a_day_and_opens_it_again(client_for, alice, harbour):
    client = client_for(alice)
    client.post(reverse("clinics:closures"), {"day": "2026-12-25", "reason": "Christmas Day"})
    closure = ClinicClosure.objects.get()
    assert (closure.clinic, closure.day, closure.reason) == (harbour, CHRISTMAS, "Christmas Day")
    client.post(reverse("clinics:closure-delete", args=[closure.pk]))
    assert ClinicClosure.objects.count() == 0
    assert list(
        AuditEvent.objects.exclude(action="login")
        .values_list("action", "object_type", "summary")
        .order_by("id")
    ) == [
        ("create", "clinics.ClinicClosure", "Fri 25 Dec 2026 Christmas Day: day, reason"),
        ("delete", "clinics.ClinicClosure", "open again on 2026-12-25"),
    ]


def test_a_day_already_closed_or_no_day_is_a_field_error(client_for, alice, harbour):
    closed_on(harbour, CHRISTMAS)
    client = client_for(alice)
    again = client.post(reverse("clinics:closures"), {"day": "2026-12-25"})
    assert again.context["form"].errors == {"day": ["The clinic is already closed that day."]}
    empty = client.post(reverse("clinics:closures"), {"day": ""})
    assert empty.context["form"].errors == {"day": ["This field is required."]}


def test_closures_are_the_admins_of_one_clinic(client, client_for, harbour, charlie, rita):
    closure = closed_on(harbour, CHRISTMAS)
    delete = reverse("clinics:closure-delete", args=[closure.pk])
    assert client_for(charlie).post(delete).status_code == 404
    assert client_for(charlie).get(reverse("clinics:closures")).context["closures"].count() == 0
    assert client_for(rita).get(reverse("clinics:closures")).status_code == 403
    client.logout()
    assert client.post(delete).url == f"/login/?next={delete}"
    assert ClinicClosure.objects.count() == 1


def test_closures_query_count_does_not_grow(client_for, alice, harbour, django_assert_num_queries):
    client = client_for(alice)
    closed_on(harbour, CHRISTMAS)
    # 1 session, 2 user, 3 their second factor, 4 coming closures
    with django_assert_num_queries(4):
        client.get(reverse("clinics:closures"))
    closed_on(harbour, dt.date(2026, 12, 26))
    closed_on(harbour, dt.date(2027, 1, 1))
    with django_assert_num_queries(4):
        response = client.get(reverse("clinics:closures"))
    assert [c.day for c in response.context["closures"]] == [
        CHRISTMAS,
        dt.date(2026, 12, 26),
        dt.date(2027, 1, 1),
    ]


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("2020-12-25", "25/12/2020 is in the past: a closed day is set for today or later."),
        ("2036-12-25", "25/12/2036 is more than five years ahead: check the year."),
    ],
)
def test_a_closure_in_the_past_or_years_ahead_is_refused_with_the_reason(
    client_for, alice, day, error
):
    response = client_for(alice).post(reverse("clinics:closures"), {"day": day})
    assert response.context["form"].errors == {"day": [error]}
    assert ClinicClosure.objects.count() == 0
