"""Reception's list of patients due for their maintenance recall (SPEC.md: six months after
the course's last session), who have not booked since."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from tests import factories
from tests.followup.conftest import book_standard_course
from tests.outcomes.factories import complete
from tests.scheduling.factories import AppointmentFactory

DECEMBER = dt.datetime(2027, 12, 1, 10, tzinfo=dt.UTC)  # past every recall of these courses


def test_a_patient_whose_recall_came_is_listed_for_reception(client_for, completed, pat, rita):
    last = completed.sessions.order_by("-number").first()
    with time_machine.travel(DECEMBER, tick=False):
        response = client_for(rita).get(reverse("outcomes:recalls"))
    page = response.content.decode()
    assert [r.patient for r in response.context["recalls"]] == [pat]
    assert f'href="/clinic/patients/{pat.pk}/book-consultation/"' in page
    assert f"{last.start:%-d %b %Y}" in page
    assert AuditEvent.objects.filter(
        actor=rita, patient_id=pat.pk, summary="maintenance recalls due"
    ).exists()


def test_a_recall_is_not_listed_before_its_time(client_for, completed, rita):
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        response = client_for(rita).get(reverse("outcomes:recalls"))
    assert response.context["recalls"] == []


def test_a_patient_booked_since_is_not_listed(client_for, completed, pat, paula, rita, rooms):
    AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=rooms[0],
        start=dt.datetime(2027, 11, 10, 9, tzinfo=dt.UTC),
        kind="consultation",
    )
    with time_machine.travel(DECEMBER, tick=False):
        response = client_for(rita).get(reverse("outcomes:recalls"))
    assert response.context["recalls"] == []


def test_another_clinics_recalls_are_not_listed(client_for, completed, charlie):
    with time_machine.travel(DECEMBER, tick=False):
        response = client_for(charlie).get(reverse("outcomes:recalls"))
    assert response.context["recalls"] == []


# The session, the user, the recalls with their patients and courses, the audit chain's head,
# one insert of the audit rows, the clinic for the page: the same for one patient as for three.
@pytest.mark.parametrize(("count", "queries"), [(1, 6), (3, 6)])
def test_the_recall_list_query_count_does_not_grow(
    client_for, frozen_now, rooms, paula, rita, harbour, django_assert_num_queries, count, queries
):
    for n in range(count):
        patient = factories.PatientFactory(clinic=harbour, given_name=f"Recalled {n}")
        complete(book_standard_course(patient, paula, first=dt.date(2026, 11, 30)))
    with time_machine.travel(DECEMBER, tick=False):
        client = client_for(rita)
        with django_assert_num_queries(queries):
            response = client.get(reverse("outcomes:recalls"))
    assert len(response.context["recalls"]) == count
