"""The staff's patient pages: search, demographics, the chart, history entries and confirmation."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.facts import RXNORM
from mesoclinic.patients.domain import intake_submit
from mesoclinic.patients.intake import IntakeForm
from mesoclinic.patients.models import IntakeLink, Medication, Patient, token_digest
from tests.factories import PatientFactory
from tests.patients.factories import (
    AllergyFactory,
    ConditionFactory,
    MedicationFactory,
    ObservationFactory,
)
from tests.patients.test_intake import answers
from tests.scheduling.factories import AppointmentFactory

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def test_search_lists_matching_patients_of_the_clinic_only(client_for, rita, harbour, riverside):
    PatientFactory(clinic=harbour, given_name="Grace", family_name="Wilson")
    PatientFactory(clinic=harbour, given_name="James", family_name="Okafor")
    PatientFactory(clinic=riverside, given_name="Grace", family_name="Wilde")
    response = client_for(rita).get(reverse("patients:search"), {"q": "gra"})
    assert [p.full_name for p in response.context["page"]] == ["Grace Wilson"]


def test_search_query_count_does_not_grow(client_for, rita, harbour, django_assert_num_queries):
    client = client_for(rita)
    PatientFactory(clinic=harbour, family_name="Smith")
    # 1 session, 2 user, 3 their second factor, 4 the page of patients (nothing counts them all),
    # 5 the audit chain's head, 6 their audit rows
    with django_assert_num_queries(6):
        client.get(reverse("patients:search"), {"q": "smi"})
    PatientFactory.create_batch(2, clinic=harbour, family_name="Smithson")
    with django_assert_num_queries(6):
        response = client.get(reverse("patients:search"), {"q": "smi"})
    assert len(response.context["page"]) == 3


def test_search_pages_through_many_patients(client_for, rita, harbour):
    Patient.objects.bulk_create(
        Patient(clinic=harbour, given_name=f"Ann{n:02}", family_name="Lee") for n in range(30)
    )
    client = client_for(rita)
    first = client.get(reverse("patients:search"), {"q": "lee"}).context["page"]

    second = client.get(reverse("patients:search"), {"q": "lee", "after": first.after})
    page = second.context["page"]
    back = client.get(reverse("patients:search"), {"q": "lee", "before": page.before})

    assert [p.given_name for p in first] == [f"Ann{n:02}" for n in range(25)]
    assert [p.given_name for p in page] == [f"Ann{n:02}" for n in range(25, 30)]
    assert (page.has_previous, page.has_next) == (True, False)
    assert f"before={page.before}" in second.content.decode()
    assert [p.given_name for p in back.context["page"]] == [p.given_name for p in first]
    assert not back.context["page"].has_previous


def test_the_whole_clinic_pages_in_name_order_and_a_bad_marker_starts_again(
    client_for, rita, harbour
):
    Patient.objects.bulk_create(
        Patient(clinic=harbour, given_name=given, family_name=family)
        for family in ("Adams", "Brook", "Lee")
        for given in (f"Zoe{n:02}" for n in range(10))
    )
    client = client_for(rita)
    first = client.get(reverse("patients:search")).context["page"]

    second = client.get(reverse("patients:search"), {"after": first.after}).context["page"]
    garbled = client.get(reverse("patients:search"), {"after": "not-a-marker"})

    assert [p.family_name for p in first].count("Lee") == 5
    assert [(p.family_name, p.given_name) for p in second] == [
        ("Lee", f"Zoe{n:02}") for n in range(5, 10)
    ]
    assert list(garbled.context["page"]) == list(first)


def patient_data(**changes):
    data = {
        "given_name": "Lena",
        "family_name": "Brook",
        "birth_date": "1990-03-04",
        "sex": "female",
        "phone": "+44 20 7946 0999",
        "email": "lena@example.org",
        "address": "",
        "guardian_name": "",
        "guardian_phone": "",
        "deceased_at": "",
    }
    return {**data, **changes}


@time_machine.travel(TODAY)
def test_reception_adds_a_patient_and_it_is_audited(client_for, rita, harbour):
    response = client_for(rita).post(reverse("patients:new"), patient_data())
    patient = Patient.objects.get()
    assert response.url == reverse("chart", args=[patient.pk])
    assert (patient.clinic, patient.full_name, patient.family_key, patient.phone_key) == (
        harbour,
        "Lena Brook",
        "brook",
        "442079460999",
    )
    assert list(
        AuditEvent.objects.exclude(action="login").values_list(
            "actor_label", "action", "patient_id"
        )
    ) == [("rita", "create", patient.pk)]


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"birth_date": "2012-01-01"},
            {"guardian_name": ["A patient under 18 needs a guardian: give the guardian's name."]},
        ),
        ({"birth_date": "2027-01-01"}, {"birth_date": ["The birth date is in the future."]}),
        ({"birth_date": "4 March 1990"}, {"birth_date": ["Enter a valid date."]}),
        (
            {"given_name": "", "family_name": ""},
            {"given_name": ["This field is required."], "family_name": ["This field is required."]},
        ),
        (
            {"deceased_at": "2026-01-01T10:00"},
            {"deceased": ["A date of death is given but the patient is not marked as deceased."]},
        ),
    ],
)
def test_bad_patient_details_are_explained_field_by_field(client_for, rita, changes, errors):
    response = client_for(rita).post(reverse("patients:new"), patient_data(**changes))
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Patient.objects.count() == 0


@time_machine.travel(TODAY)
def test_a_minor_with_a_guardian_is_accepted(client_for, rita):
    data = patient_data(birth_date="2012-01-01", guardian_name="Mark Brook")
    assert client_for(rita).post(reverse("patients:new"), data).status_code == 302
    assert Patient.objects.get().guardian_name == "Mark Brook"


def test_editing_a_patient_is_audited_as_a_read_and_an_update(client_for, rita, pat):
    client_for(rita).post(reverse("patients:edit", args=[pat.pk]), patient_data(given_name="Patty"))
    pat.refresh_from_db()
    assert (pat.given_name, pat.given_key) == ("Patty", "patty")
    assert list(
        AuditEvent.objects.exclude(action="login")
        .order_by("id")
        .values_list("action", "summary", "patient_id")
    ) == [
        ("read", "edit demographics", pat.pk),
        ("update", "Patty Brook: given_name, family_name, birth_date, phone, email", pat.pk),
    ]


def history_of_each_kind(patient, count):
    for _ in range(count):
        ConditionFactory(patient=patient)
        MedicationFactory(patient=patient)
        AllergyFactory(patient=patient)
        ObservationFactory(patient=patient)


def test_chart_query_count_does_not_grow_with_history(
    client_for, paula, pat, django_assert_num_queries
):
    client = client_for(paula)
    history_of_each_kind(pat, 1)
    # 1 session, 2 user, 3 their second factor, 4 patient with their clinic, 5 the audit chain's
    # head, 6 audit row, 7 appointments (the next session among them), 8-11 conditions,
    # medications, allergies, observations, 12 the clinic's screening mappings,
    # 13 questionnaires, 14 courses, 15 consultations
    with django_assert_num_queries(15):
        client.get(reverse("chart", args=[pat.pk]))
    history_of_each_kind(pat, 2)
    with django_assert_num_queries(15):
        response = client.get(reverse("chart", args=[pat.pk]))
    assert [len(rows) for _, _, rows in response.context["history"]] == [3, 3, 3, 3]


def test_every_chart_read_is_audited(client_for, paula, rita, pat):
    client_for(paula).get(reverse("chart", args=[pat.pk]))
    client_for(rita).get(reverse("chart", args=[pat.pk]))
    assert list(
        AuditEvent.objects.filter(action="read")
        .order_by("id")
        .values_list("actor_label", "action", "summary", "object_id")
    ) == [("paula", "read", "chart", str(pat.pk)), ("rita", "read", "chart", str(pat.pk))]


@time_machine.travel(TODAY)
def test_reception_sees_demographics_and_appointments_but_no_history_or_screening(
    client_for, rita, pat
):
    MedicationFactory(patient=pat, code_system=RXNORM, code="11289", code_display="warfarin")
    visit = AppointmentFactory(patient=pat, start=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    response = client_for(rita).get(reverse("chart", args=[pat.pk]))
    assert response.context["appointments"] == [visit]
    html = response.content.decode()
    clinical = [key for key in ("history", "screening", "preparation") if key in response.context]
    assert clinical == []
    assert ("warfarin" in html, "Screening" in html, "17 May 1985" in html) == (False, False, True)


def test_practitioner_adds_a_medication_by_code_and_the_verdict_changes(client_for, paula, pat):
    client = client_for(paula)
    chart = reverse("chart", args=[pat.pk])
    assert client.get(chart).context["screening"].verdict == "eligible"
    response = client.post(
        reverse("patients:history-new", args=[pat.pk, "medication"]),
        {
            "coding": f"{RXNORM}|11289|warfarin",
            "text": "",
            "kind": "medication",
            "status": "active",
            "dosage": "5 mg daily",
        },
    )
    assert response.url == chart
    entry = Medication.objects.get()
    assert (entry.code_system, entry.code, entry.code_display, entry.recorded_by) == (
        RXNORM,
        "11289",
        "warfarin",
        paula,
    )
    screening = client.get(chart).context["screening"]
    assert (screening.verdict, [f.concept for f in screening.findings]) == (
        "review",
        ["anticoagulant-therapy"],
    )
    assert list(
        AuditEvent.objects.filter(action="create").values_list("summary", "patient_id")
    ) == [("warfarin: coding, dosage", pat.pk)]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"coding": "", "text": ""},
            {"text": ["Choose a code from the search, or describe it in free text."]},
        ),
        (
            {"coding": f"{RXNORM}|0000|made up", "text": ""},
            {"coding": ["That code is not in the value sets; search again or use free text."]},
        ),
        (
            {"text": "Ginkgo", "started": "2026-05-01", "ended": "2026-04-01"},
            {"ended": ["The end date is before the start date."]},
        ),
        (
            {"text": "Ginkgo", "status": "maybe"},
            {"status": ["Select a valid choice. maybe is not one of the available choices."]},
        ),
    ],
)
def test_bad_history_entries_are_explained_and_nothing_is_saved(
    client_for, paula, pat, data, errors
):
    form = {"coding": "", "kind": "supplement", "status": "active", **data}
    response = client_for(paula).post(
        reverse("patients:history-new", args=[pat.pk, "medication"]), form
    )
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Medication.objects.count() == 0


def test_an_observation_status_needs_its_answer(client_for, paula, pat):
    url = reverse("patients:history-new", args=[pat.pk, "observation"])
    client = client_for(paula)
    response = client.post(url, {"measure": "82810-3", "answer": "", "status": "final"})
    assert response.context["form"].errors == {"answer": ["Choose an answer for pregnancy status."]}
    client.post(url, {"measure": "82810-3", "answer": "LA15173-0", "status": "final"})
    observation = pat.observations.get()
    assert (observation.code, observation.value_code, observation.value_display) == (
        "82810-3",
        "LA15173-0",
        "Pregnant",
    )
    assert (
        client.get(reverse("chart", args=[pat.pk])).context["screening"].verdict
        == "contraindicated"
    )


def test_editing_keeps_an_imported_code_no_value_set_lists(client_for, paula, pat):
    entry = ConditionFactory(
        patient=pat, code_system="http://snomed.info/sct", code="444", code_display="Imported"
    )
    url = reverse("patients:history-edit", args=[pat.pk, "condition", entry.pk])
    data = {
        "coding": "http://snomed.info/sct|444|Imported",
        "text": "",
        "clinical_status": "resolved",
    }
    assert client_for(paula).post(url, data).status_code == 302
    entry.refresh_from_db()
    assert (entry.code, entry.clinical_status) == ("444", "resolved")


def test_code_search_offers_matching_codes_as_choices(client_for, paula):
    response = client_for(paula).get(
        reverse("patients:codes", args=["medication"]), {"code_search": "warf"}
    )
    assert [o.value for o in response.context["options"]] == [
        f"{RXNORM}|11289|warfarin",
        f"{RXNORM}|855332|warfarin sodium 5 MG Oral Tablet",
    ]


def test_confirming_a_patient_entry_is_one_audited_click(client_for, paula, pat):
    entry = AllergyFactory(patient=pat, text="Latex", entered_by="patient")
    url = reverse("patients:history-confirm", args=[pat.pk, "allergy", entry.pk])
    with time_machine.travel(TODAY, tick=False):
        response = client_for(paula).post(url)
    assert response.url == reverse("chart", args=[pat.pk]) + "#history"
    entry.refresh_from_db()
    assert (entry.confirmed_by, entry.confirmed_at, entry.awaiting_confirmation) == (
        paula,
        TODAY,
        False,
    )
    assert list(
        AuditEvent.objects.filter(action="update").values_list("summary", "patient_id")
    ) == [("confirmed Latex", pat.pk)]


def test_an_entry_of_another_patient_is_not_found(client_for, paula, pat, harbour):
    other = ConditionFactory(patient=PatientFactory(clinic=harbour))
    url = reverse("patients:history-edit", args=[pat.pk, "condition", other.pk])
    assert client_for(paula).get(url).status_code == 404


def test_unknown_kinds_and_protocols_are_explained_not_crashed(client_for, paula, pat):
    client = client_for(paula)
    assert client.get(reverse("patients:history-new", args=[pat.pk, "surgery"])).status_code == 404
    response = client.get(reverse("chart", args=[pat.pk]), {"protocol": "house"})
    assert (response.context["protocol_error"], response.context["screening"].protocol_id) == (
        "There is no protocol 'house': the chart shows the standard protocol.",
        "standard",
    )


def test_the_chart_screens_under_the_protocol_chosen(client_for, paula, pat):
    response = client_for(paula).get(reverse("chart", args=[pat.pk]), {"protocol": "ref-002"})
    assert (response.context["screening"].protocol_id, response.context["protocol_id"]) == (
        "ref-002",
        "ref-002",
    )


@time_machine.travel(TODAY, tick=False)
def test_staff_send_a_one_time_intake_link(client_for, rita, pat):
    response = client_for(rita).post(reverse("patients:intake-link", args=[pat.pk]), follow=True)
    link = IntakeLink.objects.get()
    (message,) = [str(m) for m in response.context["messages"]]
    token = message.rsplit("/intake/", 1)[1].strip("/")
    # The link works by its token, but only the token's digest is stored.
    assert (link.patient, link.created_by, link.token_digest) == (pat, rita, token_digest(token))
    assert (link.created_at, link.expires_at) == (TODAY, TODAY + dt.timedelta(days=7))
    assert list(
        AuditEvent.objects.filter(action="create").values_list("summary", "patient_id")
    ) == [("intake link sent", pat.pk)]
    link = f"{settings.SITE_URL}/portal/intake/{token}/"
    assert message == f"Intake link for Pat Example, one use, 7 days: {link}"


@time_machine.travel(TODAY, tick=False)
def test_the_intake_link_is_emailed_when_the_patient_has_an_address(
    client_for, rita, harbour, django_capture_on_commit_callbacks
):
    lena = PatientFactory(clinic=harbour, given_name="Lena", email="lena@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("patients:intake-link", args=[lena.pk])
        response = client_for(rita).post(url, follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    url = message.rsplit(": ", 1)[1]
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, message.startswith("Email to lena@example.org queued. ")) == (
        ["lena@example.org"],
        "Harbour Skin Clinic: your health questionnaire",
        True,
    )
    assert sent.body == (
        "Hello Lena,\n\n"
        "Before your first visit, Harbour Skin Clinic asks you to fill in a short health "
        "questionnaire.\nYour answers help us make sure the treatment is safe for you.\n\n"
        "Open this link (it works once, until Saturday 28 November 2026):\n\n"
        f"{url}\n\n"
    )


def test_editing_an_imported_observation_keeps_its_code_and_answer(client_for, paula, pat):
    smoking = ObservationFactory(
        patient=pat,
        code_system="http://loinc.org",
        code="72166-2",
        code_display="Tobacco smoking status",
        value_code_system="http://snomed.info/sct",
        value_code="266919005",
        value_display="Never smoked tobacco",
        value_quantity=None,
        value_unit="",
        text="",
    )
    url = reverse("patients:history-edit", args=[pat.pk, "observation", smoking.pk])
    client = client_for(paula)
    choices = client.get(url).context["form"].fields["measure"].choices
    assert choices[0] == ("72166-2", "Tobacco smoking status (as imported)")
    data = {"measure": "72166-2", "answer": "", "status": "amended", "effective": ""}
    assert client.post(url, data).status_code == 302
    smoking.refresh_from_db()
    assert (smoking.code, smoking.value_code, smoking.status) == ("72166-2", "266919005", "amended")


def test_the_chart_shows_the_latest_questionnaire_answers(client_for, paula, pat):
    form = IntakeForm(answers(treated_before="yes", treatments="Fillers in 2024", weight="64.5"))
    assert form.is_valid(), form.errors
    intake_submit(patient=pat, answers=form.cleaned_data, by=pat.user)
    shown = client_for(paula).get(reverse("chart", args=[pat.pk])).context
    assert [(q[:28], a) for q, a in shown["intake_answers"]][-6:] == [
        ("Weight in kg", "64.5"),
        ("Are you allergic to latex (e", "No"),
        ("Are you allergic to local an", "No"),
        ("Have you had aesthetic treat", "Yes"),
        ("Which treatments, and when?", "Fillers in 2024"),
        ("May the clinic contact you b", "Yes"),
    ]


def test_the_chart_lists_what_the_core_did_not_recognise(client_for, paula, pat):
    MedicationFactory(patient=pat, code_system=RXNORM, code="11289", code_display="warfarin")
    odd = ConditionFactory(patient=pat, text="Funny turns", entered_by="patient")
    context = client_for(paula).get(reverse("chart", args=[pat.pk])).context
    assert [(kind, row["entry"]) for kind, row in context["unrecognised"]] == [("condition", odd)]
    conditions = next(rows for kind, _, rows in context["history"] if kind == "condition")
    assert [(row["entry"].awaiting_confirmation, row["unrecognised"]) for row in conditions] == [
        (True, True)
    ]


@time_machine.travel(TODAY)
def test_the_intakes_own_height_and_weight_are_recognised_on_the_chart(client_for, paula, pat):
    from mesoclinic.patients.intake import IntakeForm as Form

    form = Form(answers(weight="70", height="170"))
    assert form.is_valid(), form.errors
    intake_submit(patient=pat, answers=form.cleaned_data, by=pat.user)
    page = client_for(paula).get(reverse("chart", args=[pat.pk]))
    assert {o.code for o in pat.observations.all()} >= {"29463-7", "8302-2"}
    assert "not recognised" not in page.content.decode()
