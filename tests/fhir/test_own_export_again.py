"""The clinic's own export, imported again into the clinic: every resource is found unchanged."""

import json

import pytest
from django.core.management import call_command

from mesoclinic.fhir.domain import fhir_export, fhir_import
from mesoclinic.fhir.sources import Source
from mesoclinic.patients.domain import clinic_mapping_save
from mesoclinic.scheduling.models import Appointment
from tests.fhir.test_nothing_lost import synthea_sources

# The clinical record books a course from a fixed day: the clock stands still on it.
pytestmark = pytest.mark.usefixtures("frozen_now")


def test_importing_the_clinics_own_export_finds_everything_unchanged(
    harbour, paula, clinical_record, tmp_path, capsys
):
    # The patient record as an import writes it, and the clinical record and calendar as the
    # clinic's pages do.
    fhir_import(clinic=harbour, by=None, sources=synthea_sources())
    clinic_mapping_save(
        clinic=harbour,
        system="http://snomed.info/sct",
        code="84757009",
        phrase="",
        display="Epilepsy (disorder)",
        target="not-relevant",
        note="",
        by=paula,
    )
    exported = fhir_export(clinic=harbour, directory=tmp_path, by=None)
    call_command("import-fhir", str(tmp_path), json=True)
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["updated"], report["rejected"]) == ({}, {}, [])
    # A consultation's ClinicalImpression is read with its Encounter, and counted with it.
    assert report["unchanged"] == {t: n for t, n in exported.items() if t != "ClinicalImpression"}


def test_a_calendar_resource_that_is_not_the_clinics_is_refused(harbour, clinical_record, capsys):
    appointment = Appointment.objects.first()
    moved = {
        "resourceType": "Appointment",
        "id": f"appointment-{appointment.pk}",
        "status": "booked",
        "participant": [{"actor": {"display": "someone"}, "status": "accepted"}],
    }
    report = fhir_import(
        clinic=harbour, by=None, sources=[Source("moved.json", json.dumps(moved), ndjson=False)]
    )
    assert report.rejected == [
        {
            "file": "moved.json",
            "line": 1,
            "reason": f"Appointment appointment-{appointment.pk} is held with other contents: "
            "appointments are changed on the clinic's pages, never by an import",
        }
    ]
