"""The intake questionnaire: valid FHIR, answered as a form, stored, and turned into history."""

import datetime as dt
import json
from decimal import Decimal

import time_machine
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.facts import LOINC, SNOMED
from mesoclinic.clinical.screening import Product
from mesoclinic.patients.domain import intake_submit
from mesoclinic.patients.intake import QUESTIONNAIRE_FILE, IntakeForm
from mesoclinic.patients.models import QuestionnaireResponse
from mesoclinic.patients.screening import screen_patient

NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)

ALL_NO = {
    "clotting": "no",
    "stroke": "no",
    "diabetes": "no",
    "insulin": "no",
    "heart-medicines": "no",
    "autoimmune": "no",
    "infection": "no",
    "blood-thinners": "no",
    "immunosuppressants": "no",
    "anaphylaxis": "no",
    "pregnant": "no",
    "breastfeeding": "no",
    "latex": "no",
    "anaesthetics": "no",
    "treated-before": "no",
    "consent-contact": "yes",
}


def answers(**changes):
    return {**ALL_NO, **{key.replace("_", "-"): value for key, value in changes.items()}}


def test_the_shipped_questionnaire_is_valid_fhir_r4():
    resource = json.loads(QUESTIONNAIRE_FILE.read_text())
    parsed = Questionnaire.model_validate(resource)
    assert (parsed.url, parsed.status, [item.linkId for item in parsed.item]) == (
        "https://mesoclinic.org/fhir/Questionnaire/intake",
        "active",
        ["health", "pregnancy", "body", "medicines", "allergies", "aesthetics", "consent"],
    )


def test_missing_answers_are_named_question_by_question(db):
    form = IntakeForm({"diabetes": "maybe", "weight": "heavy"})
    assert form.is_valid() is False
    assert form.errors["diabetes"] == [
        "Select a valid choice. maybe is not one of the available choices."
    ]
    assert form.errors["weight"] == ["Enter a number."]
    assert form.errors["consent-contact"] == ["This field is required."]
    assert "medications" not in form.errors


def entries_of(patient):
    """Every history entry of `patient` as (kind, code, text, extra) tuples."""
    return (
        [("condition", c.code, c.text, c.entered_by) for c in patient.conditions.order_by("pk")]
        + [("medication", m.kind, m.text, m.entered_by) for m in patient.medications.order_by("pk")]
        + [("allergy", a.code, a.text, a.entered_by) for a in patient.allergies.order_by("pk")]
        + [
            ("observation", o.code, o.value_code or str(o.value_quantity), o.entered_by)
            for o in patient.observations.order_by("pk")
        ]
    )


@time_machine.travel(NOW, tick=False)
def test_answers_become_history_waiting_for_confirmation(pat):
    form = IntakeForm(
        answers(
            diabetes="yes",
            blood_thinners="yes",
            pregnant="yes",
            latex="yes",
            anaesthetics="yes",
            weight="80",
            height="160",
            medications="Warfarin 5 mg\n\nLevothyroxine",
            supplements="Ginkgo biloba",
            other_allergies="Penicillin",
            treated_before="yes",
            treatments="Fillers in 2024",
        )
    )
    assert form.is_valid(), form.errors
    response = intake_submit(patient=pat, answers=form.cleaned_data, by=pat.user)
    assert entries_of(pat) == [
        ("condition", "73211009", "Diabetes", "patient"),
        ("medication", "medication", "Blood thinners", "patient"),
        ("medication", "medication", "Warfarin 5 mg", "patient"),
        ("medication", "medication", "Levothyroxine", "patient"),
        ("medication", "supplement", "Ginkgo biloba", "patient"),
        ("allergy", "111088007", "Latex", "patient"),
        ("allergy", "", "Lidocaine and other local anaesthetics", "patient"),
        ("allergy", "", "Penicillin", "patient"),
        ("observation", "82810-3", "LA15173-0", "patient"),
        ("observation", "63895-7", "LA29253-4", "patient"),
        ("observation", "29463-7", "80.000", "patient"),
        ("observation", "8302-2", "160.000", "patient"),
        ("observation", "39156-5", "31.300", "patient"),
    ]
    assert pat.conditions.get().code_system == SNOMED
    assert {o.value_code_system for o in pat.observations.filter(code="82810-3")} == {LOINC}
    assert all(e.awaiting_confirmation for e in pat.medications.all())
    assert pat.observations.get(code="39156-5").value_quantity == Decimal("31.3")
    assert response.resource["authored"] == "2026-11-21T10:00:00+00:00"
    assert list(AuditEvent.objects.values_list("actor_label", "action", "object_type")) == [
        ("pat", "create", "patients.QuestionnaireResponse")
    ]


@time_machine.travel(NOW, tick=False)
def test_the_stored_response_is_valid_fhir_and_holds_every_answer(pat):
    form = IntakeForm(answers(supplements="Vitamin E\nFish oil", weight="70"))
    assert form.is_valid(), form.errors
    stored = intake_submit(patient=pat, answers=form.cleaned_data, by=pat.user)
    assert QuestionnaireResponse.objects.get() == stored
    FhirResponse.model_validate(stored.resource)
    medicines = next(g for g in stored.resource["item"] if g["linkId"] == "medicines")
    assert medicines == {
        "linkId": "medicines",
        "text": "Medicines and supplements",
        "item": [
            {
                "linkId": "supplements",
                "text": "Supplements, vitamins and herbal remedies (e.g. vitamin E, ginkgo, "
                "fish oil; one per line)",
                "answer": [{"valueString": "Vitamin E"}, {"valueString": "Fish oil"}],
            }
        ],
    }
    consent = next(g for g in stored.resource["item"] if g["linkId"] == "consent")
    assert consent["item"][0]["answer"] == [{"valueBoolean": True}]
    assert (stored.questionnaire, stored.resource["subject"]) == (
        "https://mesoclinic.org/fhir/Questionnaire/intake|1",
        {"reference": f"Patient/{pat.pk}"},
    )


@time_machine.travel(NOW, tick=False)
def test_every_yes_reaches_the_concept_its_question_asks_about(pat):
    every_yes = {
        question: "yes"
        for question in ALL_NO
        if question not in ("treated-before", "consent-contact")
    }
    form = IntakeForm({**ALL_NO, **every_yes, "weight": "95", "height": "170"})
    assert form.is_valid(), form.errors
    intake_submit(patient=pat, answers=form.cleaned_data, by=pat.user)
    screening = screen_patient(pat, NOW.date())
    assert [(f.concept.value, f.severity.value) for f in screening.findings] == [
        ("pregnancy", "absolute"),
        ("breastfeeding", "absolute"),
        ("coagulation-disorder", "absolute"),
        ("stroke-history", "absolute"),
        ("insulin-dependent-diabetes", "absolute"),
        ("cardiac-medication", "absolute"),
        ("autoimmune-disease", "absolute"),
        ("active-infection", "absolute"),
        ("obesity", "relative"),
        ("anticoagulant-therapy", "relative"),
        ("immunosuppression", "relative"),
        ("anaphylaxis-history", "relative"),
        ("latex-allergy", "advisory"),
    ]
    # The anaesthetic allergy is recognised, and counts once a plan names an anaesthetic; weight
    # and height are known not to matter: they count through the BMI computed from them.
    assert screening.unrecognised == ()
    assert [item.record.codes[0].display for item in screening.not_relevant] == [
        "Body weight",
        "Body height",
    ]

    with_lidocaine = Product("Face cocktail with lidocaine", ("hyaluronic acid", "lidocaine"))
    planned = screen_patient(pat, NOW.date(), products=(with_lidocaine,))
    (allergy,) = [f for f in planned.findings if f.concept.value == "component-allergy"]
    assert (allergy.severity.value, [e.display for e in allergy.evidence]) == (
        "absolute",
        [
            "Allergy to Lidocaine and other local anaesthetics; Face cocktail with lidocaine "
            "contains lidocaine"
        ],
    )
