"""GAIS scores from the practitioner and the patient, kept once; the day-14 check-in asks for
the patient's; each score as a valid FHIR R4 Observation."""

import datetime as dt

import pytest
from django.urls import reverse
from fhirclient.models.observation import Observation

from mesoclinic.audit.models import AuditEvent
from mesoclinic.followup.models import Reminder, ReminderKind
from mesoclinic.outcomes.domain.scores import ScoreRefused, gais_record
from mesoclinic.outcomes.fhir import ANSWER, SCORE, gais_observation, gais_resources
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.scheduling.models import AppointmentStatus
from tests import factories


def test_the_practitioner_scores_a_completed_course_once(client_for, completed, paula):
    client = client_for(paula)
    url = reverse("outcomes:course-score", args=[completed.pk])
    response = client.post(url, {"score": "2"})
    assert response["Location"] == url
    score = GaisScore.objects.get()
    assert (score.rater, score.score, score.session, score.patient_id, score.practitioner) == (
        "practitioner",
        2,
        None,
        completed.patient_id,
        paula.practitioner,  # who gave the course's last session
    )
    assert AuditEvent.objects.filter(
        object_type="outcomes.GaisScore", action="create", patient_id=completed.patient_id
    ).exists()
    again = client.post(url, {"score": "1"})
    assert "The practitioner already scored the course: a score is kept as given." in (
        again.content.decode()
    )
    assert list(GaisScore.objects.values_list("score", flat=True)) == [2]


def test_a_course_still_running_is_not_scored(course, paula):
    with pytest.raises(ScoreRefused, match="The course is planned: it is scored once its last"):
        gais_record(course=course, score=2, by=paula)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_off_the_scale_is_refused(completed, paula, score):
    with pytest.raises(
        ScoreRefused, match=rf"1 \(very much improved\) to 5 \(worse\), not {score}"
    ):
        gais_record(course=completed, score=score, by=paula)


def test_reception_does_not_score(completed, rita):
    with pytest.raises(ScoreRefused, match="not reception"):
        gais_record(course=completed, score=3, by=rita)


def test_a_session_is_scored_once_it_took_place(course, paula):
    first, second = course.sessions.order_by("number")[:2]
    first.status = AppointmentStatus.COMPLETED
    first.save()
    made = gais_record(course=course, score=3, by=paula, session=first)
    assert (made.session, made.score) == (first, 3)
    with pytest.raises(ScoreRefused, match="Session 2 has not taken place"):
        gais_record(course=course, score=3, by=paula, session=second)


def test_the_patient_scores_their_course_in_the_portal(client_for, completed, pat):
    client = client_for(pat.user)
    page = client.get(reverse("outcomes-portal:outcomes")).content.decode()
    assert f'action="/portal/courses/{completed.pk}/score/"' in page
    response = client.post(
        reverse("outcomes-portal:course-score", args=[completed.pk]), {"score": "1"}
    )
    assert response["Location"] == reverse("outcomes-portal:outcomes")
    score = GaisScore.objects.get()
    assert (score.rater, score.score, score.recorded_by) == ("patient", 1, pat.user)
    page = client.get(reverse("outcomes-portal:outcomes")).content.decode()
    assert "You scored it 1: very much improved." in page


def test_a_patient_does_not_score_another_patients_course(client_for, completed, harbour):
    other = factories.PatientFactory(clinic=harbour, given_name="Olga", with_account="olga")
    response = client_for(other.user).post(
        reverse("outcomes-portal:course-score", args=[completed.pk]), {"score": "1"}
    )
    assert response.status_code == 404
    assert not GaisScore.objects.exists()


# 1 session, 2 user, 3 patient, 4 the permission check's patient with their clinic, 5 the audit
# chain's head, 6 the audit row, 7 the courses, 8 the scores
@pytest.mark.parametrize(("count", "queries"), [(1, 8), (3, 8)])
def test_the_portal_outcomes_page_query_count_does_not_grow(
    client_for, rooms, frozen_now, pat, paula, django_assert_num_queries, count, queries
):
    from tests.followup.conftest import book_standard_course
    from tests.outcomes.factories import complete

    for week in range(count):
        course = complete(
            book_standard_course(
                pat, paula, first=dt.date(2026, 11, 30) + dt.timedelta(weeks=12 * week)
            )
        )
        gais_record(course=course, score=2, by=pat.user)
    client = client_for(pat.user)
    with django_assert_num_queries(queries):
        response = client.get(reverse("outcomes-portal:outcomes"))
    assert len(response.context["courses"]) == count


def test_the_day_14_check_in_after_the_last_session_asks_for_the_score(course):
    last = course.sessions.order_by("-number").first()
    day_14 = Reminder.objects.filter(kind=ReminderKind.CHECK_IN, key="day-14")
    asks = {r.appointment_id for r in day_14 if "Score it in your portal" in r.text}
    assert asks == {last.pk}
    assert "http://localhost:8000/portal/outcomes/" in day_14.get(appointment=last).text


def test_the_recall_links_to_the_portal(course):
    recall = Reminder.objects.get(kind=ReminderKind.RECALL)
    assert "To book a maintenance consultation, call Harbour Skin Clinic on +44 20 7946 0000" in (
        recall.text
    )
    assert recall.text.endswith("http://localhost:8000/portal/outcomes/")


def test_a_score_is_a_valid_r4_observation(completed, paula, pat, harbour):
    gais_record(course=completed, score=2, by=paula)
    gais_record(course=completed, score=1, by=pat.user)
    resources = [resource for _, resource in gais_resources(harbour)]
    for resource in resources:
        Observation(resource, strict=True)  # raises on anything R4 does not allow
    practitioner, patient = resources
    assert practitioner["code"]["coding"][0] == {
        "system": SCORE,
        "code": "gais",
        "display": "Global Aesthetic Improvement Scale",
    }
    assert (practitioner["valueInteger"], patient["valueInteger"]) == (2, 1)
    assert practitioner["performer"] == [
        {"reference": f"Practitioner/practitioner-{paula.practitioner.pk}"}
    ]
    assert patient["performer"] == [{"reference": f"Patient/{pat.pk}"}]
    assert patient["interpretation"][0]["coding"][0] == {
        "system": ANSWER,
        "code": "1",
        "display": "Very much improved",
    }
    assert patient["basedOn"] == [{"reference": f"CarePlan/course-{completed.pk}"}]


def test_a_session_score_points_at_its_appointment(course, paula):
    first = course.sessions.get(number=1)
    first.status = AppointmentStatus.COMPLETED
    first.save()
    resource = gais_observation(gais_record(course=course, score=3, by=paula, session=first))
    Observation(resource, strict=True)
    assert resource["focus"] == [{"reference": f"Appointment/appointment-{first.pk}"}]


def test_the_practitioner_scores_a_session_that_took_place_on_the_course_page(
    client_for, course, paula
):
    first = course.sessions.get(number=1)
    first.status = AppointmentStatus.COMPLETED
    first.save()
    client = client_for(paula)
    url = reverse("outcomes:course-score", args=[course.pk])
    response = client.post(url, {"session-session": str(first.pk), "session-score": "3"})
    assert response["Location"] == url
    score = GaisScore.objects.get()
    assert (score.session, score.score, score.rater) == (first, 3, "practitioner")
    assert "Session 1: 3 — Improved, by the practitioner" in client.get(url).content.decode()
    second = course.sessions.get(number=2)
    refused = client.post(url, {"session-session": str(second.pk), "session-score": "3"})
    assert "Select a valid choice" in refused.content.decode()
