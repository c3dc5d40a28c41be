"""The signed consent, the session and its photos in the FHIR export: Consent (its PDF as the
source attachment), Procedure and Media are valid R4 (read strictly by the `fhirclient` R4
models and written back unchanged), and reference each other and the lots' Medications."""

import base64
import datetime as dt
import json

import pytest

from mesoclinic.treatments.domain.photos import photo_add
from mesoclinic.treatments.domain.sessions import point_add, session_save, session_sign
from mesoclinic.treatments.fhir_records import consent_fields, media_fields, procedure_fields
from mesoclinic.treatments.models import ChartPoint, Consent, TreatmentSession
from mesoclinic.treatments.pdfs import consent_pdf_path
from tests.fhir.test_clinical_export import r4_model
from tests.fhir.test_export import export, resources_in
from tests.inventory.factories import LotFactory
from tests.scheduling.factories import open_clinic
from tests.treatments.factories import (
    booked_course,
    catalogue,
    consent_text,
    consented,
    point,
    started,
)
from tests.treatments.test_session_photos import jpeg_with_gps

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def signed_session(harbour, alice, paula, pat, settings, tmp_path):
    """Pat's consent, and a signed session charted on face and neck with a numbing cream and a
    photo before."""
    settings.MEDIA_ROOT = tmp_path / "media"
    open_clinic(harbour, [paula.practitioner])
    products = catalogue(harbour)
    course = booked_course(
        pat, paula, [products["hyaluronic"], products["vitamins"]], numbing=products["numbing"]
    )
    consent_text(harbour, alice)
    consented(course)
    session = started(course.sessions.order_by("number").first(), paula)
    ha = LotFactory(product=products["hyaluronic"], number="HA-1")
    vc = LotFactory(product=products["vitamins"], number="VC-1")
    numbing = LotFactory(product=products["numbing"], number="LC-1")
    point_add(session=session, point=point(ha), by=paula)
    point_add(session=session, point=point(vc, map="neck", area="neck"), by=paula)
    session_save(
        session=session,
        disinfection="Chlorhexidine",
        numbing_product=products["numbing"],
        numbing_lot=numbing,
        numbing_minutes=20,
        soothing_product=None,
        reactions="Mild redness",
        notes="",
        ended_at=dt.datetime(2026, 11, 21, 10, 30, tzinfo=dt.UTC),
        by=paula,
    )
    photo_add(session=session, view="front", moment="before", content=jpeg_with_gps(), by=paula)
    return session_sign(session=session, by=paula)


@pytest.fixture
def exported(signed_session, harbour, tmp_path, capsys):
    report = export(tmp_path / "out", harbour, capsys)
    return report, resources_in(tmp_path / "out")


def test_consent_procedure_and_media_are_valid_r4(exported):
    report, resources = exported
    assert {t: report["exported"].get(t) for t in ("Consent", "Procedure", "Media")} == {
        "Consent": 1,
        "Procedure": 1,
        "Media": 1,
    }
    for name in ("Consent.ndjson", "Procedure.ndjson", "Media.ndjson"):
        for resource in resources[name]:
            assert r4_model(resource).as_json() == resource


def test_they_reference_each_other_the_course_and_the_lots(exported, signed_session):
    _, resources = exported
    consent = resources["Consent.ndjson"][0]
    procedure = resources["Procedure.ndjson"][0]
    media = resources["Media.ndjson"][0]
    ids = {
        kind: {r["id"] for r in resources[f"{kind}.ndjson"]}
        for kind in ("CarePlan", "Medication", "Consent", "Procedure")
    }
    medications = {r["id"]: r for r in resources["Medication.ndjson"]}
    course = f"CarePlan/course-{signed_session.appointment.course_id}"
    assert consent["provision"]["data"][0]["reference"]["reference"] == course
    assert procedure["basedOn"] == [{"reference": course}]
    assert course.split("/")[1] in ids["CarePlan"]
    assert procedure["extension"][0]["valueReference"]["reference"] == f"Consent/{consent['id']}"
    assert media["partOf"] == [{"reference": f"Procedure/{procedure['id']}"}]
    assert {consent["id"], procedure["id"]} <= ids["Consent"] | ids["Procedure"]
    used = [u["reference"].split("/")[1] for u in procedure["usedReference"]]
    assert sorted(medications[m]["batch"]["lotNumber"] for m in used) == ["HA-1", "LC-1", "VC-1"]
    assert (procedure["bodySite"], procedure["performer"][0]["actor"]["reference"]) == (
        [
            {
                "coding": [
                    {"system": "https://mesoclinic.org/fhir/CodeSystem/area", "code": "face"}
                ],
                "text": "face",
            },
            {
                "coding": [
                    {"system": "https://mesoclinic.org/fhir/CodeSystem/area", "code": "neck"}
                ],
                "text": "neck",
            },
        ],
        f"Practitioner/practitioner-{signed_session.practitioner_id}",
    )


def test_the_consent_carries_its_pdf_and_the_photo_its_image(exported):
    _, resources = exported
    consent = resources["Consent.ndjson"][0]
    media = resources["Media.ndjson"][0]
    pdf = base64.b64decode(consent["sourceAttachment"]["data"])
    image = base64.b64decode(media["content"]["data"])
    assert (pdf[:5], consent["provision"]["provision"][0]["type"]) == (b"%PDF-", "permit")
    assert (image[:2], b"Exif" in image, media["view"]["coding"][0]["code"]) == (
        b"\xff\xd8",
        False,
        "front",
    )


def test_the_chart_goes_out_point_by_point(exported):
    _, resources = exported
    procedure = resources["Procedure.ndjson"][0]
    chart = json.loads(procedure["extension"][1]["valueString"])
    points = ChartPoint.objects.order_by("pk").select_related("lot")
    assert [(p["map"], p["area"], p["x"], p["lot"]) for p in chart] == [
        (p.map, p.area, f"{p.x:.4f}", p.lot.fhir_id) for p in points
    ]


def test_a_second_export_gives_the_same_ids(exported, harbour, tmp_path, capsys):
    _, first = exported
    export(tmp_path / "again", harbour, capsys)
    again = resources_in(tmp_path / "again")
    for name in ("Consent.ndjson", "Procedure.ndjson", "Media.ndjson"):
        assert again[name] == first[name]
    assert (Consent.objects.get().fhir_id, TreatmentSession.objects.get().fhir_id) == (
        first["Consent.ndjson"][0]["id"],
        first["Procedure.ndjson"][0]["id"],
    )


def test_what_goes_out_reads_back_as_it_was(exported, signed_session, settings):
    _, resources = exported
    session = TreatmentSession.objects.select_related("consent").get()
    consent = session.consent
    photo = session.photos.get()
    kept_pdf = (settings.MEDIA_ROOT / consent_pdf_path(consent)).read_bytes()
    points = ChartPoint.objects.filter(session=session).order_by("pk").select_related("lot")
    assert consent_fields(resources["Consent.ndjson"][0]) == {
        "fhir_id": consent.fhir_id,
        "patient": consent.patient.fhir_id,
        "course_id": consent.course_id,
        "photos_allowed": True,
        "signed_at": consent.signed_at,
        "pdf": kept_pdf,
    }
    assert procedure_fields(resources["Procedure.ndjson"][0]) == {
        "fhir_id": session.fhir_id,
        "consent": consent.fhir_id,
        "course_id": session.appointment.course_id,
        "practitioner_id": session.practitioner_id,
        "signed": True,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "areas": ["face", "neck"],
        "lots": [p.lot.fhir_id for p in points] + [session.numbing_lot.fhir_id],
        "points": [
            {
                "map": p.map,
                "area": p.area,
                "x": f"{p.x:.4f}",
                "y": f"{p.y:.4f}",
                "lot": p.lot.fhir_id,
                "depth_mm": f"{p.depth_mm:.1f}",
                "volume_ml": f"{p.volume_ml:.2f}",
                "technique": p.technique,
            }
            for p in points
        ],
        "reactions": "Mild redness",
        "notes": "",
    }
    assert media_fields(resources["Media.ndjson"][0]) == {
        "fhir_id": photo.fhir_id,
        "session": session.fhir_id,
        "view": "front",
        "moment": "before",
        "taken_at": photo.taken_at,
        "width": 640,
        "height": 480,
        "image": (settings.MEDIA_ROOT / photo.image).read_bytes(),
    }
