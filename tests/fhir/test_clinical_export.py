"""Products, lots, consultations and plans in FHIR: valid R4 (4.0.1, checked with the
`fhirclient` models, which are generated from R4 itself), and export → import → export loses
nothing."""

import datetime as dt
import importlib
import json

import pytest
from django.core.management import call_command

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.commands import PartlyRejected
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain import consultation_sign
from mesoclinic.treatments.models import Consultation, TreatmentPlan
from mesoclinic.treatments.queries import plan_basis
from tests import factories
from tests.fhir.test_export import export, resources_in
from tests.inventory.factories import LotFactory
from tests.scheduling.factories import AppointmentFactory, open_clinic
from tests.treatments.factories import catalogue, planned, recorded

pytestmark = pytest.mark.usefixtures("frozen_now")

CLINICAL_TYPES = ["Medication", "Encounter", "ClinicalImpression", "CarePlan"]


def r4_model(resource):
    """The resource read by the R4 4.0.1 model of its type, strictly: unknown or missing
    elements and wrong types raise."""
    module = importlib.import_module(f"fhirclient.models.{resource['resourceType'].lower()}")
    return getattr(module, resource["resourceType"])(resource, strict=True)


@pytest.fixture
def clinical_record(harbour, pat, paula):
    """Harbour's catalogue with a lot, and Pat's signed consultation, plan and course."""
    open_clinic(harbour, [paula.practitioner])
    products = catalogue(harbour)
    LotFactory(product=products["hyaluronic"], number="HA-1", expires=dt.date(2026, 12, 10))
    LotFactory(
        product=products["numbing"], number="LC-7", status="quarantined", status_reason="Damp box"
    )
    appointment = AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=factories.RoomFactory(clinic=harbour, name="Consultation room"),
        start=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC),
    )
    consultation = recorded(pat, paula, appointment=appointment)
    plan = planned(
        consultation,
        paula,
        [products["hyaluronic"], products["vitamins"]],
        numbing=products["numbing"],
    )
    consultation_sign(consultation=consultation, by=paula)
    protocol = load_protocol("ref-000")
    proposal = propose_course(
        pat, protocol, protocol.course(), dt.date(2026, 11, 30), areas=("face", "neck")
    )
    course_book(proposal=proposal, by=paula, basis=plan_basis(plan))
    return plan


def test_every_clinical_resource_is_valid_r4(clinical_record, harbour, tmp_path, capsys):
    report = export(tmp_path, harbour, capsys)
    assert {t: report["exported"].get(t) for t in CLINICAL_TYPES} == {
        "Medication": 5,
        "Encounter": 1,
        "ClinicalImpression": 1,
        "CarePlan": 2,
    }
    exported = resources_in(tmp_path)
    for name in ("Medication.ndjson", "Encounter.ndjson", "ClinicalImpression.ndjson"):
        for resource in exported[name]:
            assert r4_model(resource).as_json() == resource
    for resource in exported["CarePlan.ndjson"]:
        assert r4_model(resource).as_json() == resource


def test_a_lot_is_a_medication_with_its_batch(clinical_record, harbour, tmp_path, capsys):
    export(tmp_path, harbour, capsys)
    lot = Lot.objects.get(number="HA-1")
    product = lot.product
    medications = {r["id"]: r for r in resources_in(tmp_path)["Medication.ndjson"]}
    exported = medications[lot.fhir_id]
    assert (exported["batch"], exported["code"], exported["status"]) == (
        {"lotNumber": "HA-1", "expirationDate": "2026-12-10"},
        {"text": "Hyaluronic acid 1%"},
        "active",
    )
    assert medications[product.fhir_id]["ingredient"] == [
        {
            "itemCodeableConcept": {
                "coding": [
                    {
                        "system": "http://fdasis.nlm.nih.gov",
                        "code": "S270N0TRQY",
                        "display": "hyaluronic acid",
                    }
                ],
                "text": "hyaluronic acid",
            }
        },
        {"itemCodeableConcept": {"text": "water"}},
    ]


def test_the_plan_is_a_careplan_with_an_activity_per_area(
    clinical_record, harbour, tmp_path, capsys
):
    export(tmp_path, harbour, capsys)
    plan = TreatmentPlan.objects.get()
    products = {p.name: p.fhir_id for p in Product.objects.all()}
    careplans = {r["id"]: r for r in resources_in(tmp_path)["CarePlan.ndjson"]}
    exported = careplans[plan.fhir_id]
    assert [
        (
            a["detail"]["description"],
            a["detail"]["productReference"]["reference"],
            a["detail"].get("quantity", {}).get("value"),
        )
        for a in exported["activity"]
    ] == [
        ("face: nappage", "#area-1", 2),
        ("neck: point-by-point papules", "#area-2", 1.5),
        ("numbing cream before the injections", f"Medication/{products['Lidocaine cream']}", None),
    ]
    assert [
        [i["itemReference"]["reference"] for i in formulation["ingredient"]]
        for formulation in exported["contained"]
    ] == [
        [f"Medication/{products['Hyaluronic acid 1%']}"],
        [
            f"Medication/{products['Hyaluronic acid 1%']}",
            f"Medication/{products['Vitamin cocktail']}",
        ],
    ]
    course = next(r for r in careplans.values() if r["id"].startswith("course-"))
    assert (exported["encounter"], course["basedOn"]) == (
        {"reference": f"Encounter/{plan.consultation.fhir_id}"},
        [{"reference": f"CarePlan/{plan.fhir_id}"}],
    )


def test_export_import_export_loses_nothing(clinical_record, harbour, tmp_path, capsys):
    export(tmp_path / "first", harbour, capsys)
    first = resources_in(tmp_path / "first")
    # The clinical half is wiped, then imported again from the export.
    plan = TreatmentPlan.objects.get()
    consultation = plan.consultation
    plan.delete()
    consultation.delete()
    Lot.objects.all().delete()
    Product.objects.all().delete()
    call_command("import-fhir", str(tmp_path / "first"), clinic=harbour.pk, json=True)
    imported = json.loads(capsys.readouterr().out)
    # The calendar is still there, held as exported: it is found unchanged, and its course
    # follows the plan imported again.
    assert ({t: imported["imported"].get(t) for t in CLINICAL_TYPES}, imported["rejected"]) == (
        {"Medication": 5, "Encounter": 1, "ClinicalImpression": None, "CarePlan": 1},
        [],
    )
    assert {t: imported["unchanged"][t] for t in ("Appointment", "Location", "Practitioner")} == {
        "Appointment": 7,
        "Location": 3,
        "Practitioner": 1,
    }
    assert imported["updated"]["CarePlan"] == 1
    export(tmp_path / "second", harbour, capsys)
    assert resources_in(tmp_path / "second") == first
    assert Consultation.objects.get().signed_by == consultation.signed_by


def test_importing_the_same_export_again_changes_nothing(
    clinical_record, harbour, tmp_path, capsys
):
    export(tmp_path, harbour, capsys)
    call_command("import-fhir", str(tmp_path), clinic=harbour.pk, json=True)
    again = json.loads(capsys.readouterr().out)
    assert again["rejected"] == []
    assert {t: again["unchanged"].get(t) for t in CLINICAL_TYPES} == {
        "Medication": 5,
        "Encounter": 1,
        "ClinicalImpression": None,
        "CarePlan": 2,
    }
    assert {t: again["imported"].get(t) for t in CLINICAL_TYPES} == dict.fromkeys(CLINICAL_TYPES)


def test_another_clinic_takes_the_catalogue_but_not_consultations_held_by_others(
    clinical_record, harbour, riverside, tmp_path, capsys
):
    export(tmp_path, harbour, capsys)
    with pytest.raises(PartlyRejected):
        call_command("import-fhir", str(tmp_path), clinic=riverside.pk, json=True)
    report = json.loads(capsys.readouterr().out)
    paula = clinical_record.consultation.practitioner
    reasons = [r["reason"] for r in report["rejected"] if r["file"].endswith("Encounter.ndjson")]
    assert (report["imported"]["Medication"], reasons) == (
        5,
        [f"practitioner 'Practitioner/practitioner-{paula.pk}' is not one of this clinic's"],
    )
