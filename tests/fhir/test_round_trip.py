"""The clinic's own export, imported into an empty installation, recreates the clinic: its
second export is the first, byte for byte."""

import json
import shutil

import pytest
from django.core.management import call_command

from mesoclinic.clinics.models import Practitioner, Room, WorkingHours
from mesoclinic.commands import PartlyRejected
from mesoclinic.fhir.models import ReceivedResource
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Course, CourseStatus
from mesoclinic.treatments.domain.sessions import SessionRefused, point_add
from mesoclinic.treatments.models import (
    ChartPoint,
    Consent,
    ConsentTemplate,
    Consultation,
    ImmutableRecord,
    PlanAreaProduct,
    SessionPhoto,
    TreatmentPlan,
    TreatmentSession,
)
from mesoclinic.treatments.pdfs import consent_pdf
from tests.factories import RoomFactory
from tests.fhir.records import full_record
from tests.fhir.test_export import export
from tests.fhir.test_session_export import signed_session  # noqa: F401 (a fixture)
from tests.treatments.factories import booked_course, point

pytestmark = pytest.mark.usefixtures("frozen_now")


def wipe_clinic(clinic, media_root):
    """Everything the clinic's pages and imports made, and every kept file: the clinic is empty
    (its users stay: the audit trail names them)."""
    shutil.rmtree(media_root, ignore_errors=True)
    SessionPhoto.objects.filter(clinic=clinic).delete()
    ChartPoint.objects.filter(session__clinic=clinic).delete()
    TreatmentSession.objects.filter(clinic=clinic).delete()
    Consent.objects.filter(clinic=clinic).delete()
    ConsentTemplate.objects.filter(clinic=clinic).delete()
    PlanAreaProduct.objects.filter(area__plan__consultation__clinic=clinic).delete()
    TreatmentPlan.objects.filter(consultation__clinic=clinic).delete()
    Consultation.objects.filter(clinic=clinic).delete()
    Appointment.objects.filter(clinic=clinic).delete()
    Course.objects.filter(clinic=clinic).delete()
    Lot.objects.filter(clinic=clinic).delete()
    Product.objects.filter(clinic=clinic).delete()
    ReceivedResource.objects.filter(clinic=clinic).delete()
    Patient.objects.filter(clinic=clinic).delete()
    WorkingHours.objects.filter(practitioner__clinic=clinic).delete()
    Practitioner.objects.filter(clinic=clinic).delete()
    Room.objects.filter(clinic=clinic).delete()


def test_the_clinics_own_export_comes_back_byte_for_byte(
    signed_session,  # noqa: F811 (the fixture)
    harbour,
    paula,
    settings,
    tmp_path,
    capsys,
):
    # Besides the signed session: a patient with every kind of history, and a second course
    # that has not begun.
    full_record(harbour)
    booked_course(signed_session.patient, paula, list(Product.objects.order_by("pk")[:1]))
    first = export(tmp_path / "first", harbour, capsys)["exported"]
    assert {t: first.get(t, 0) > 0 for t in ("Practitioner", "Location", "Appointment")} == {
        "Practitioner": True,
        "Location": True,
        "Appointment": True,
    }
    assert (first["Consent"], first["Procedure"], first["Media"]) == (1, 1, 1)
    wipe_clinic(harbour, settings.MEDIA_ROOT)
    assert not Appointment.objects.exists()

    call_command("import-fhir", str(tmp_path / "first"), clinic=harbour.pk, json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["rejected"] == []
    # A consultation's ClinicalImpression is read with its Encounter, and counted with it.
    assert report["imported"] == {t: n for t, n in first.items() if t != "ClinicalImpression"}

    second = export(tmp_path / "second", harbour, capsys)["exported"]
    assert second == first
    for name in sorted(p.name for p in (tmp_path / "first").glob("*.ndjson")):
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()


def test_signed_records_come_back_signed_and_immutable(
    signed_session,  # noqa: F811 (the fixture)
    harbour,
    settings,
    tmp_path,
    capsys,
):
    export(tmp_path / "first", harbour, capsys)
    pdf = consent_pdf(signed_session.consent)
    wipe_clinic(harbour, settings.MEDIA_ROOT)
    call_command("import-fhir", str(tmp_path / "first"), clinic=harbour.pk, json=True)
    capsys.readouterr()
    session = TreatmentSession.objects.get()
    assert session.signed
    assert session.points.count() == 2
    assert session.appointment.course.status == CourseStatus.ACTIVE
    consent = Consent.objects.get()
    assert consent_pdf(consent) == pdf
    # A record imported signed is as immutable as one signed here.
    with pytest.raises(ImmutableRecord):
        consent.save()
    lot = session.points.first().lot
    with pytest.raises(SessionRefused, match="This session is signed"):
        point_add(session=session, point=point(lot), by=session.practitioner.user)
    # Its own export imported again finds it unchanged; a changed one is refused.
    procedure = json.loads((tmp_path / "first" / "Procedure.ndjson").read_text())
    procedure["note"] = [{"text": "written later"}]
    (tmp_path / "first" / "Procedure.ndjson").write_text(json.dumps(procedure) + "\n")
    with pytest.raises(PartlyRejected):
        call_command("import-fhir", str(tmp_path / "first"), clinic=harbour.pk, json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] == {}
    assert [r["reason"] for r in report["rejected"]] == [
        f"Procedure {procedure['id']} is held signed with other contents; a signed record never "
        "changes"
    ]
    assert TreatmentSession.objects.get().notes == ""


def test_a_number_another_clinic_holds_is_refused(harbour, riverside, tmp_path, capsys):
    room = RoomFactory(clinic=harbour, name="Treatment room 1")
    export(tmp_path, harbour, capsys)
    with pytest.raises(PartlyRejected):
        call_command("import-fhir", str(tmp_path), clinic=riverside.pk, json=True)
    report = json.loads(capsys.readouterr().out)
    assert [r["reason"] for r in report["rejected"]] == [
        f"Location room-{room.pk}: number {room.pk} is another clinic's room; rooms keep their "
        "number"
    ]
    assert not Room.objects.filter(clinic=riverside, name="Treatment room 1").exists()
