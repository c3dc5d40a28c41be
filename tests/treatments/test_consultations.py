"""The consultation record: started from its appointment or the chart, recorded, planned, signed,
then read-only with addenda; reception sees that it happened, not what it found."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain import (
    ALREADY_RECORDED,
    NEEDS_PLAN,
    NEEDS_RECOMMENDATION,
    NOT_A_CONSULTATION,
    SIGNED,
    ConsultationRefused,
    PlannedArea,
    addendum_add,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_save,
)
from mesoclinic.treatments.models import Consultation
from tests import factories
from tests.scheduling.factories import AppointmentFactory
from tests.treatments.factories import catalogue, planned, recorded, signed_plan

pytestmark = pytest.mark.usefixtures("frozen_now")


CONSULTATION_FORM = {
    "concerns": "Fine lines around the eyes",
    "areas": ["eyes", "neck"],
    "fitzpatrick": "3",
    "skin_type": "sensitive",
    "area_conditions": "eye area: crêpey, thin\nneck: fine lines",
    "recommendation": "mesotherapy",
    "recommendation_reason": "Realistic expectations, nothing against it",
}


@pytest.fixture
def appointment(pat, paula, harbour):
    return AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=factories.RoomFactory(clinic=harbour),
        start=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC),
    )


def test_the_practitioner_records_the_consultation_from_its_appointment(
    client_for, paula, pat, appointment
):
    client = client_for(paula)
    url = reverse("treatments:appointment-consultation", args=[appointment.pk])
    started = client.post(url)
    consultation = Consultation.objects.get()
    page = reverse("treatments:consultation", args=[consultation.pk])
    assert (started.status_code, started.url, consultation.appointment) == (302, page, appointment)
    assert client.get(url).url == page
    saved = client.post(page, CONSULTATION_FORM)
    consultation.refresh_from_db()
    assert (saved.status_code, saved.url) == (302, page)
    assert (
        consultation.concerns,
        consultation.areas,
        consultation.fitzpatrick,
        consultation.skin_type,
        consultation.area_conditions,
        consultation.recommendation,
        consultation.recommendation_reason,
        consultation.signed,
    ) == (
        "Fine lines around the eyes",
        ["eyes", "neck"],
        3,
        "sensitive",
        {"eyes": "crêpey, thin", "neck": "fine lines"},
        "mesotherapy",
        "Realistic expectations, nothing against it",
        False,
    )


def test_a_condition_line_must_name_an_area(client_for, paula, pat):
    consultation = recorded(pat, paula)
    response = client_for(paula).post(
        reverse("treatments:consultation", args=[consultation.pk]),
        {**CONSULTATION_FORM, "area_conditions": "neck: fine lines\nelbow dry"},
    )
    assert response.context["form"].errors == {
        "area_conditions": ["Line 2: start with an area and a colon, e.g. “cheeks: dry”."]
    }


def test_only_a_consultation_appointment_gets_one_record(paula, pat, appointment):
    consultation_start(
        patient=pat, appointment=appointment, practitioner=paula.practitioner, by=paula
    )
    with pytest.raises(ConsultationRefused) as twice:
        consultation_start(
            patient=pat, appointment=appointment, practitioner=paula.practitioner, by=paula
        )
    session = AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=appointment.room,
        kind="session",
        start=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
    )
    with pytest.raises(ConsultationRefused) as not_one:
        consultation_start(
            patient=pat, appointment=session, practitioner=paula.practitioner, by=paula
        )
    assert (str(twice.value), str(not_one.value)) == (ALREADY_RECORDED, NOT_A_CONSULTATION)


def test_signing_needs_a_recommendation_and_a_plan_for_mesotherapy(paula, pat, harbour):
    consultation = consultation_start(
        patient=pat, appointment=None, practitioner=paula.practitioner, by=paula
    )
    with pytest.raises(ConsultationRefused) as bare:
        consultation_sign(consultation=consultation, by=paula)
    recorded_one = recorded(pat, paula)
    with pytest.raises(ConsultationRefused) as planless:
        consultation_sign(consultation=recorded_one, by=paula)
    assert (str(bare.value), str(planless.value)) == (NEEDS_RECOMMENDATION, NEEDS_PLAN)


def test_another_treatment_instead_is_signed_without_a_plan(paula, pat):
    consultation = recorded(pat, paula, recommendation="other-treatment")
    consultation_sign(consultation=consultation, by=paula)
    assert (consultation.signed, consultation.screening_verdict, consultation.signed_by) == (
        True,
        "eligible",
        paula,
    )


def test_only_the_consultations_own_practitioner_signs(paula, pat, harbour):
    other = factories.PractitionerFactory(clinic=harbour, user__username="peggy").user
    consultation = recorded(pat, paula, recommendation="not-suitable")
    with pytest.raises(ConsultationRefused) as refused:
        consultation_sign(consultation=consultation, by=other)
    assert str(refused.value) == "Only Paula Tester, who held the consultation, can sign it."


def test_a_signed_consultation_is_read_only_and_takes_addenda(client_for, paula, pat, harbour):
    products = catalogue(harbour)
    plan = signed_plan(pat, paula, [products["hyaluronic"]])
    consultation = plan.consultation
    with pytest.raises(ConsultationRefused) as edit:
        consultation_save(
            consultation=consultation,
            concerns="changed",
            areas=[],
            fitzpatrick=None,
            skin_type="",
            area_conditions={},
            recommendation="not-suitable",
            recommendation_reason="changed",
            by=paula,
        )
    with pytest.raises(ConsultationRefused) as replan:
        planned(consultation, paula, [products["vitamins"]])
    with pytest.raises(ConsultationRefused) as resign:
        consultation_sign(consultation=consultation, by=paula)
    assert {str(edit.value), str(replan.value), str(resign.value)} == {SIGNED}
    client = client_for(paula)
    page = reverse("treatments:consultation", args=[consultation.pk])
    assert client.post(page, CONSULTATION_FORM).status_code == 403
    client.post(
        reverse("treatments:addendum-add", args=[consultation.pk]),
        {"text": "Patient called: she is allergic to nickel."},
    )
    addendum = addendum_add(consultation=consultation, text=" Second note ", by=paula)
    consultation.refresh_from_db()
    assert (consultation.concerns, [a.text for a in consultation.addenda.all()]) == (
        "Tired skin, fine lines",
        ["Patient called: she is allergic to nickel.", "Second note"],
    )
    assert AuditEvent.objects.filter(object_type="treatments.ConsultationAddendum").count() == 2
    assert addendum.written_by == paula


def test_reception_sees_that_a_consultation_happened_not_what_it_found(
    client_for, paula, rita, pat, harbour
):
    products = catalogue(harbour)
    plan = signed_plan(pat, paula, [products["hyaluronic"]])
    page = client_for(rita).get(reverse("treatments:consultation", args=[plan.consultation_id]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert page.templates[0].name == "treatments/consultation_front.html"
    for clinical in ("Tired skin", "dehydrated", "Hyaluronic", "Fitzpatrick", "Good candidate"):
        assert clinical not in text
    assert "Book the course" in text


def test_the_plan_page_saves_two_areas_with_their_products(client_for, paula, pat, harbour):
    products = catalogue(harbour)
    consultation = recorded(pat, paula)
    data = {
        "template": "ref-002/course",
        "numbing_product": str(products["numbing"].pk),
        "areas-TOTAL_FORMS": "3",
        "areas-INITIAL_FORMS": "0",
        "areas-0-area": "cheeks",
        "areas-0-technique": "nappage",
        "areas-0-depth_mm": "1",
        "areas-0-volume_ml": "2",
        "areas-0-products": [str(products["hyaluronic"].pk)],
        "areas-1-area": "neck",
        "areas-1-technique": "papules",
        "areas-1-layer": "mid-dermis",
        "areas-1-volume_ml": "1.5",
        "areas-1-products": [str(products["hyaluronic"].pk), str(products["vitamins"].pk)],
        "areas-2-technique": "nappage",
    }
    response = client_for(paula).post(reverse("treatments:plan", args=[consultation.pk]), data)
    plan = consultation.plan
    assert response.status_code == 302
    assert (plan.protocol_id, plan.template_id, plan.numbing_product) == (
        "ref-002",
        "course",
        products["numbing"],
    )
    assert [
        (
            a.area,
            a.technique,
            a.depth_mm,
            a.layer,
            a.volume_ml,
            [line.product.name for line in a.formulation.all()],
        )
        for a in plan.areas.all()
    ] == [
        ("cheeks", "nappage", Decimal("1.0"), "", Decimal("2.00"), ["Hyaluronic acid 1%"]),
        (
            "neck",
            "papules",
            None,
            "mid-dermis",
            Decimal("1.50"),
            ["Hyaluronic acid 1%", "Vitamin cocktail"],
        ),
    ]


def test_a_plan_refuses_what_the_catalogue_does_not_offer(paula, pat, harbour, riverside):
    products = catalogue(harbour)
    elsewhere = catalogue(riverside)
    consultation = recorded(pat, paula)
    with pytest.raises(ConsultationRefused) as foreign:
        planned(consultation, paula, [elsewhere["hyaluronic"]])
    with pytest.raises(ConsultationRefused) as not_numbing:
        planned(consultation, paula, [products["hyaluronic"]], numbing=products["vitamins"])
    with pytest.raises(ConsultationRefused) as twice:
        plan_save(
            consultation=consultation,
            template="ref-000",
            numbing_product=None,
            areas=[
                PlannedArea("neck", "nappage", Decimal(1), (products["vitamins"],), Decimal(1)),
                PlannedArea("Neck", "nappage", Decimal(1), (products["vitamins"],), Decimal(1)),
            ],
            by=paula,
        )
    assert (str(foreign.value), str(not_numbing.value), str(twice.value)) == (
        "Hyaluronic acid 1% is not a product of this clinic's catalogue in use.",
        "Vitamin cocktail is not a numbing cream.",
        "The plan names neck twice; give each area once.",
    )


def test_the_consultation_page_query_count_does_not_grow(
    client_for, paula, pat, harbour, django_assert_num_queries
):
    client = client_for(paula)
    products = catalogue(harbour)
    consultation = recorded(pat, paula)
    plan_save(
        consultation=consultation,
        template="ref-000",
        numbing_product=products["numbing"],
        areas=[PlannedArea("face", "nappage", Decimal(1), (products["hyaluronic"],), Decimal(1))],
        by=paula,
    )
    url = reverse("treatments:consultation", args=[consultation.pk])
    # 1 session, 2 user, 3 their second factor, 4 consultation, 5 patient, 6 the audit chain's
    # head, 7 audit row, 8 plan with its numbing cream, 9 areas, 10 their products, 11 the
    # products' ingredients, 12 the numbing cream's, 13 addenda, 14 courses, 15-18 the history
    # screened (conditions, medications, allergies, observations), 19 the clinic's screening
    # mappings
    with django_assert_num_queries(19):
        client.get(url)
    two = [products["hyaluronic"], products["vitamins"]]
    planned(consultation, paula, two, numbing=products["numbing"])
    with django_assert_num_queries(19):
        response = client.get(url)
    assert len(response.context["areas"]) == 2
