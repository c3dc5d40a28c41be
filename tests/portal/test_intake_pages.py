"""The patient fills the intake questionnaire: signed in, or through a one-time link."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.domain import intake_link_send
from mesoclinic.patients.models import QuestionnaireResponse
from tests.factories import UserFactory
from tests.patients.test_intake import answers

NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def test_the_signed_in_patient_fills_the_questionnaire(client_for, pat):
    client = client_for(pat.user)
    form = client.get(reverse("portal:intake"))
    assert [title for title, _ in form.context["form"].sections()] == [
        "Your health",
        "Pregnancy and breastfeeding",
        "Weight and height",
        "Medicines and supplements",
        "Allergies",
        "Earlier treatments",
        "Contact",
    ]
    response = client.post(reverse("portal:intake"), answers(supplements="Ginkgo"))
    assert response.url == reverse("home")
    assert [(m.text, m.kind, m.awaiting_confirmation) for m in pat.medications.all()] == [
        ("Ginkgo", "supplement", True)
    ]
    assert QuestionnaireResponse.objects.get().patient == pat


def test_unanswered_questions_are_marked_and_nothing_is_stored(client_for, pat):
    response = client_for(pat.user).post(reverse("portal:intake"), {"diabetes": "yes"})
    assert (response.status_code, sorted(response.context["form"].errors)[:3]) == (
        200,
        ["anaesthetics", "anaphylaxis", "autoimmune"],
    )
    assert (QuestionnaireResponse.objects.count(), pat.conditions.count()) == (0, 0)


@pytest.mark.parametrize("who", ["paula", "rita"])
def test_staff_cannot_fill_a_patients_portal_questionnaire(db, client_for, request, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("portal:intake")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("portal:intake"))
    assert (response.status_code, response.url) == (302, "/login/?next=/portal/intake/")


def link_path(patient, by):
    """The path of a new intake link, as the patient's browser opens it from the email."""
    sent = intake_link_send(patient=patient, by=by)
    return sent.url.removeprefix(settings.SITE_URL)


def test_a_one_time_link_opens_the_questionnaire_without_signing_in(client, pat, rita):
    url = link_path(pat, rita)
    page = client.get(url)
    assert (page.status_code, page.context["patient"]) == (200, pat)
    done = client.post(url, answers(latex="yes"))
    assert (done.status_code, done.templates[0].name) == (200, "portal/intake_done.html")
    assert [(a.text, a.entered_by, a.recorded_by) for a in pat.allergies.all()] == [
        ("Latex", "patient", None)
    ]
    assert list(
        AuditEvent.objects.filter(actor=None)
        .order_by("id")
        .values_list("action", "summary", "clinic_id")
    ) == [
        ("read", "intake link opened", pat.clinic_id),
        ("read", "intake link opened", pat.clinic_id),
        ("create", "intake questionnaire: 3 history entries to confirm", pat.clinic_id),
    ]


def refused(response):
    return (response.status_code, response.context["problem"])


def test_a_used_link_is_refused_with_a_clear_page(client, pat, rita):
    url = link_path(pat, rita)
    client.post(url, answers())
    assert refused(client.get(url)) == (
        410,
        "This link has been used already: the clinic has your answers.",
    )
    assert refused(client.post(url, answers(diabetes="yes"))) == (
        410,
        "This link has been used already: the clinic has your answers.",
    )
    assert (QuestionnaireResponse.objects.count(), pat.conditions.count()) == (1, 0)


def test_an_expired_link_is_refused(client, pat, rita):
    with time_machine.travel(NOW, tick=False):
        url = link_path(pat, rita)
    with time_machine.travel(NOW + dt.timedelta(days=7, seconds=1), tick=False):
        response = client.get(url)
    assert refused(response) == (410, "This link has expired.")


def test_a_made_up_link_is_refused(client, db):
    response = client.get(reverse("portal:intake-link", args=["not-a-real-token"]))
    assert refused(response) == (410, "This link is not valid. Check that you copied all of it.")


def test_a_patient_account_without_a_record_finds_nothing(client_for, harbour):
    lost = UserFactory(clinic=harbour, role="patient", username="lost")
    assert client_for(lost).get(reverse("portal:intake")).status_code == 404


def test_a_patient_only_ever_answers_for_themselves(client_for, pat, peter):
    client_for(pat.user).post(reverse("portal:intake"), answers(latex="yes"))
    assert (pat.allergies.count(), peter.allergies.count()) == (1, 0)
