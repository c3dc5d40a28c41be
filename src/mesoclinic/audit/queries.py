"""Reads of the audit trail."""

from django.db.models import Q


def naming(patient_id: int) -> Q:
    """The events about one patient: those on their record, and every list that showed them."""
    return Q(patient_id=patient_id) | Q(patients_shown__contains=f" {patient_id} ")
