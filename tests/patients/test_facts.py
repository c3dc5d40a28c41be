"""The stored record becomes the clinical core's PatientFacts, with as few queries as possible."""

import datetime as dt

from mesoclinic.clinical.facts import (
    LOINC,
    RXNORM,
    SNOMED,
    Coding,
    HistoryRecord,
    PatientFacts,
    RecordKind,
)
from mesoclinic.patients.facts import patient_facts
from mesoclinic.patients.models import Patient
from tests.patients.factories import (
    AllergyFactory,
    ConditionFactory,
    MedicationFactory,
    ObservationFactory,
)


def test_every_kind_of_history_becomes_a_record(pat):
    pregnancy = ConditionFactory(
        patient=pat,
        code_system=SNOMED,
        code="77386006",
        code_display="Pregnancy",
        text="",
        onset=dt.date(2026, 8, 1),
        verification_status="confirmed",
        fhir_id="cond-1",
    )
    aspirin = MedicationFactory(
        patient=pat,
        code_system=RXNORM,
        code="1191",
        code_display="aspirin",
        text="",
        origin="request",
        status="stopped",
        started=dt.date(2025, 1, 1),
        ended=dt.date(2025, 3, 1),
    )
    latex = AllergyFactory(patient=pat, text="Latex gloves", entered_by="patient")
    bmi = ObservationFactory(
        patient=pat,
        code_system=LOINC,
        code="39156-5",
        code_display="BMI",
        text="",
        value_quantity="31.5",
        value_unit="kg/m2",
        effective=dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC),
    )
    assert patient_facts(pat) == PatientFacts(
        birth_date=dt.date(1985, 5, 17),
        deceased=False,
        records=(
            HistoryRecord(
                resource="Condition/cond-1",
                kind=RecordKind.CONDITION,
                codes=(Coding(SNOMED, "77386006", "Pregnancy"),),
                verification="confirmed",
                onset=dt.date(2026, 8, 1),
            ),
            HistoryRecord(
                resource=f"MedicationRequest/{aspirin.pk}",
                kind=RecordKind.MEDICATION,
                codes=(Coding(RXNORM, "1191", "aspirin"),),
                status="stopped",
                onset=dt.date(2025, 1, 1),
                ended=dt.date(2025, 3, 1),
            ),
            HistoryRecord(
                resource=f"AllergyIntolerance/{latex.pk}",
                kind=RecordKind.ALLERGY,
                text="Latex gloves",
            ),
            HistoryRecord(
                resource=f"Observation/{bmi.pk}",
                kind=RecordKind.OBSERVATION,
                codes=(Coding(LOINC, "39156-5", "BMI"),),
                status="final",
                # 23:30 UTC in November is 23:30 in London: still the 20th.
                onset=dt.date(2026, 11, 20),
                value=31.5,
                unit="kg/m2",
            ),
        ),
    )
    assert pregnancy.awaiting_confirmation is False
    assert latex.awaiting_confirmation is True


def test_coded_answers_of_observations_are_among_their_codes(pat):
    status = ObservationFactory(
        patient=pat,
        code_system=LOINC,
        code="82810-3",
        code_display="Pregnancy status",
        value_code_system=LOINC,
        value_code="LA15173-0",
        value_display="Pregnant",
        value_quantity=None,
        value_unit="",
        text="",
    )
    assert patient_facts(pat).records == (
        HistoryRecord(
            resource=f"Observation/{status.pk}",
            kind=RecordKind.OBSERVATION,
            codes=(
                Coding(LOINC, "82810-3", "Pregnancy status"),
                Coding(LOINC, "LA15173-0", "Pregnant"),
            ),
            status="final",
        ),
    )


def test_entries_entered_in_error_are_left_out_but_unconfirmed_ones_count(pat):
    ConditionFactory(patient=pat, text="Diabetes", verification_status="entered-in-error")
    MedicationFactory(patient=pat, text="Warfarin", status="entered-in-error")
    AllergyFactory(patient=pat, text="Latex", verification_status="entered-in-error")
    ObservationFactory(patient=pat, text="Pregnant", status="entered-in-error")
    said = MedicationFactory(patient=pat, text="Ginkgo", kind="supplement", entered_by="patient")
    assert [r.resource for r in patient_facts(pat).records] == [f"MedicationStatement/{said.pk}"]


def test_facts_take_one_query_per_kind_and_the_clinic(pat, django_assert_num_queries):
    for _ in range(3):
        ConditionFactory(patient=pat)
        MedicationFactory(patient=pat)
        AllergyFactory(patient=pat)
        ObservationFactory(patient=pat)
    pat = Patient.objects.get(pk=pat.pk)
    # 1 conditions, 2 medications, 3 allergies, 4 observations, 5 the clinic (its time zone)
    with django_assert_num_queries(5):
        facts = patient_facts(pat)
    assert len(facts.records) == 12
