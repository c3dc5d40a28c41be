"""A clinic teaches screening: mappings made once, for every patient, versioned and revocable."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.concepts import Verdict
from mesoclinic.clinical.facts import SNOMED
from mesoclinic.clinical.teaching import NOTHING_TAUGHT
from mesoclinic.patients.domain import (
    UNKNOWN_TARGET,
    MappingRefused,
    clinic_mapping_revoke,
    clinic_mapping_save,
)
from mesoclinic.patients.models import ClinicMapping
from mesoclinic.patients.queries import UnrecognisedCode, unrecognised_codes
from mesoclinic.patients.screening import screen_patient
from tests.factories import PatientFactory
from tests.patients.factories import AllergyFactory, ConditionFactory

NOW = dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC)
EPILEPSY = {"code_system": SNOMED, "code": "84757009", "code_display": "Epilepsy (disorder)"}


def epileptic(clinic, **fields):
    patient = PatientFactory(clinic=clinic, **fields)
    ConditionFactory(patient=patient, text="", **EPILEPSY)
    return patient


def map_epilepsy(clinic, by, target="not-relevant", note=""):
    return clinic_mapping_save(
        clinic=clinic,
        system=SNOMED,
        code="84757009",
        phrase="",
        display="Epilepsy (disorder)",
        target=target,
        note=note,
        by=by,
    )


@time_machine.travel(NOW, tick=False)
def test_a_practitioner_maps_a_code_from_the_chart_for_every_patient(client_for, paula, harbour):
    first, second = epileptic(harbour), epileptic(harbour)
    chart = reverse("chart", args=[first.pk])

    response = client_for(paula).post(
        reverse("patients:mapping-new"),
        {
            "system": SNOMED,
            "code": "84757009",
            "display": "Epilepsy (disorder)",
            "target": "not-relevant",
            "note": "Seizure-free for ten years",
            "next": chart,
        },
    )

    assert (response.status_code, response["Location"]) == (302, chart)
    assert list(ClinicMapping.objects.values_list("code", "target", "version", "created_by")) == [
        ("84757009", "not-relevant", 1, paula.pk)
    ]
    assert [screen_patient(p, NOW.date()).verdict for p in (first, second)] == [
        Verdict.ELIGIBLE
    ] * 2
    assert list(
        AuditEvent.objects.filter(object_type="patients.ClinicMapping").values_list(
            "actor_label", "action", "summary", "clinic_id"
        )
    ) == [
        (
            "paula",
            "create",
            "screening mapping: 84757009 Epilepsy (disorder) → not-relevant (version 1)",
            harbour.pk,
        )
    ]


def test_a_mapping_somewhere_else_than_this_site_goes_back_to_the_list(client_for, paula):
    response = client_for(paula).post(
        reverse("patients:mapping-new"),
        {
            "phrase": "essential hypertension",
            "target": "not-relevant",
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == reverse("patients:mappings")


def test_changing_a_mapping_adds_a_version_and_retires_the_one_before(harbour, paula, alice):
    first = map_epilepsy(harbour, paula)
    second = map_epilepsy(harbour, alice, target="immunosuppression", note="On valproate")

    first.refresh_from_db()
    assert (first.retired_by, first.replaced, second.version, second.current) == (
        alice,
        True,
        2,
        True,
    )


def test_revoking_a_mapping_makes_screening_read_the_code_as_before(harbour, paula, client_for):
    patient = epileptic(harbour)
    mapping = map_epilepsy(harbour, paula)
    assert screen_patient(patient, NOW.date()).verdict is Verdict.ELIGIBLE

    response = client_for(paula).post(reverse("patients:mapping-revoke", args=[mapping.pk]))

    mapping.refresh_from_db()
    assert (response.status_code, mapping.retired_by, mapping.replaced) == (302, paula, False)
    assert screen_patient(patient, NOW.date()).verdict is Verdict.REVIEW
    with pytest.raises(MappingRefused, match="already retired"):
        clinic_mapping_revoke(mapping=mapping, by=paula)


def test_a_mapping_to_a_concept_screening_does_not_know_is_refused(harbour, paula):
    with pytest.raises(MappingRefused) as refused:
        map_epilepsy(harbour, paula, target="epilepsy")

    assert str(refused.value).startswith(UNKNOWN_TARGET.format(target="epilepsy", error="")[:30])
    assert ClinicMapping.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_unrecognised_codes_are_listed_by_how_many_patients_carry_them(harbour, riverside):
    for _ in range(2):
        epileptic(harbour)
    typed = PatientFactory(clinic=harbour)
    AllergyFactory(patient=typed, text="Chlorhexidine")
    AllergyFactory(patient=typed, text="Grass pollen")
    epileptic(riverside)

    assert unrecognised_codes(harbour, NOTHING_TAUGHT) == [
        UnrecognisedCode("condition", SNOMED, "84757009", "", "Epilepsy (disorder)", 2),
        UnrecognisedCode("allergy", "", "", "chlorhexidine", "Chlorhexidine", 1),
    ]


def test_the_mapping_pages_show_who_made_each_version(client_for, paula, alice, harbour):
    map_epilepsy(harbour, paula)
    map_epilepsy(harbour, alice, target="immunosuppression")

    page = client_for(paula).get(reverse("patients:mappings"))

    assert [(m.version, m.created_by, m.current) for m in page.context["current"]] == [
        (2, alice, True)
    ]
    assert [(m.version, m.created_by, m.retired_by) for m in page.context["retired"]] == [
        (1, paula, alice)
    ]


def many_mappings(clinic, by, count):
    for number in range(count):
        clinic_mapping_save(
            clinic=clinic,
            system="",
            code="",
            phrase=f"unknown thing {number}",
            display="",
            target="not-relevant",
            note="",
            by=by,
        )


def test_the_mapping_list_query_count_does_not_grow(
    client_for, paula, harbour, django_assert_num_queries
):
    client = client_for(paula)
    many_mappings(harbour, paula, 1)
    # 1 session, 2 user, 3 their second factor, 4 the mappings with who made and retired them
    with django_assert_num_queries(4):
        client.get(reverse("patients:mappings"))
    many_mappings(harbour, paula, 3)
    with django_assert_num_queries(4):
        client.get(reverse("patients:mappings"))


def test_the_unrecognised_list_query_count_does_not_grow(
    client_for, paula, harbour, django_assert_num_queries
):
    client = client_for(paula)
    epileptic(harbour)
    # 1 session, 2 user, 3 their second factor, 4 the clinic's mappings, 5-7 conditions,
    # medications, allergies
    with django_assert_num_queries(7):
        response = client.get(reverse("patients:unrecognised"))
    for _ in range(2):
        patient = PatientFactory(clinic=harbour)
        ConditionFactory(patient=patient, text="Something else entirely")
    with django_assert_num_queries(7):
        response = client.get(reverse("patients:unrecognised"))
    assert [row.patients for row, _ in response.context["rows"]] == [2, 1]
