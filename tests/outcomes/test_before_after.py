"""Before and after: each standard view's first and latest photos side by side, with their dates
and the sessions between; for clinical staff and, where the consent allows, in the portal."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain.photos import photo_add
from mesoclinic.treatments.models import Consent, SessionPhoto, TreatmentSession
from tests.outcomes.dataset import build
from tests.treatments.test_session_photos import jpeg_with_gps

FEBRUARY = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def clinic(harbour, riverside, paula, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(FEBRUARY, tick=False):
        yield build(harbour, riverside, paula, alice)


def photographed(appointment, views, by, moment="before"):
    """Photos of `views` at the (signed) session of `appointment`, taken at its start."""
    record = TreatmentSession.objects.get(appointment=appointment)
    signed = record.signed_at
    TreatmentSession.objects.filter(pk=record.pk).update(signed_at=None)
    record.refresh_from_db()
    made = [
        photo_add(session=record, view=view, moment=moment, content=jpeg_with_gps(), by=by)
        for view in views
    ]
    TreatmentSession.objects.filter(pk=record.pk).update(signed_at=signed)
    SessionPhoto.objects.filter(pk__in=[p.pk for p in made]).update(taken_at=appointment.start)
    return made


@pytest.fixture
def ann(clinic, paula):
    course = clinic["courses"][0]
    first, second = course.sessions.filter(number__in=(1, 2)).order_by("number")
    before = photographed(first, ["front", "left-45"], paula)
    after = photographed(second, ["front"], paula, moment="after")
    return {"patient": clinic["people"]["Ann"], "before": before, "after": after, "course": course}


def test_the_first_and_latest_photo_of_each_view_side_by_side(client_for, ann, paula):
    response = client_for(paula).get(reverse("outcomes:before-after", args=[ann["patient"].pk]))
    (pair,) = response.context["pairs"]  # left 45° has one photo only: nothing to compare
    assert (pair.view, pair.first, pair.latest) == ("front", ann["before"][0], ann["after"][0])
    assert (pair.sessions_between, pair.protocols) == (2, "standard")
    page = response.content.decode()
    assert "Mon 4 Jan 2027 to Mon 18 Jan 2027: 2 sessions of standard between." in page
    assert f'src="/clinic/photos/{ann["before"][0].pk}/"' in page
    assert 'id="toggle-front" class="compare-toggle"' in page
    assert AuditEvent.objects.filter(
        actor=paula, patient_id=ann["patient"].pk, summary="before and after photos"
    ).exists()


def test_the_patient_sees_their_own_in_the_portal(client_for, ann, harbour):
    from tests import factories

    patient = ann["patient"]
    user = factories.UserFactory(username="ann", clinic=harbour, role="patient")
    patient.user = user
    patient.save()
    client = client_for(user)
    response = client.get(reverse("outcomes-portal:before-after"))
    assert [pair.view for pair in response.context["pairs"]] == ["front"]
    assert client.get(reverse("treatments:photo", args=[ann["after"][0].pk])).status_code == 200


def test_no_photo_is_shown_once_the_consent_says_no(client_for, ann, paula):
    consent = Consent.objects.get(course=ann["course"])
    consent.pk = None
    consent.photos_allowed = False
    consent.signed_at = FEBRUARY
    consent.save()
    response = client_for(paula).get(reverse("outcomes:before-after", args=[ann["patient"].pk]))
    assert response.context["pairs"] == []
    assert "No view has a first and a later photo yet." in response.content.decode()


def test_reception_does_not_see_photos(client_for, ann, rita):
    url = reverse("outcomes:before-after", args=[ann["patient"].pk])
    assert client_for(rita).get(url).status_code == 403


# The session, the user, the patient, the audit chain's head, the audit row, the photos, the
# consents, the sessions taken, the clinic: the same for one view compared as for three.
@pytest.mark.parametrize(
    ("views", "queries"), [(["front"], 9), (["front", "left-45", "right-45"], 9)]
)
def test_the_before_after_page_query_count_does_not_grow(
    client_for, clinic, paula, views, queries, django_assert_num_queries
):
    course = clinic["courses"][0]
    first, second = course.sessions.filter(number__in=(1, 2)).order_by("number")
    photographed(first, views, paula)
    photographed(second, views, paula, moment="after")
    client = client_for(paula)
    url = reverse("outcomes:before-after", args=[clinic["people"]["Ann"].pk])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["pairs"]) == len(views)
