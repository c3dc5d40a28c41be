"""An export of some types only writes each of them exactly as the whole export does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.fhir.domain import fhir_export
from mesoclinic.fhir.exporter import clinic_resources
from tests.fhir.records import full_record
from tests.fhir.test_session_export import signed_session

pytestmark = pytest.mark.usefixtures("frozen_now")
__all__ = ["signed_session"]


def test_each_type_alone_is_written_as_in_the_whole_export(harbour, signed_session, tmp_path):
    full_record(harbour)
    whole = fhir_export(clinic=harbour, directory=tmp_path / "whole", by=None)
    assert {"Patient", "Condition", "Appointment", "CarePlan", "Procedure", "Media"} <= set(whole)
    alone = {
        resource_type: fhir_export(
            clinic=harbour, directory=tmp_path / resource_type, by=None, types=[resource_type]
        )
        for resource_type in whole
    }
    assert alone == {resource_type: {resource_type: n} for resource_type, n in whole.items()}
    differing = [
        resource_type
        for resource_type in whole
        if (tmp_path / resource_type / f"{resource_type}.ndjson").read_bytes()
        != (tmp_path / "whole" / f"{resource_type}.ndjson").read_bytes()
    ]
    assert differing == []


def test_an_export_of_patients_reads_no_other_records(harbour, signed_session):
    full_record(harbour)
    with CaptureQueriesContext(connection) as queries:
        exported = [resource_type for resource_type, _ in clinic_resources(harbour, ["Patient"])]
    assert exported == ["Patient"] * 3
    read = {table for q in queries for table in TABLES if f'FROM "{table}"' in q["sql"]}
    assert read == {"patients_patient"}


TABLES = (
    "patients_patient",
    "patients_condition",
    "scheduling_appointment",
    "scheduling_course",
    "treatments_consultation",
    "treatments_consent",
    "treatments_treatmentsession",
    "treatments_sessionphoto",
)
