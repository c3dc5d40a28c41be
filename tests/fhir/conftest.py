"""Fixtures the FHIR tests share."""

from tests.fhir.test_clinical_export import clinical_record

__all__ = ["clinical_record"]
