"""The FHIR resource types mesoclinic keeps, and which of our models holds each of them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from mesoclinic.fhir import from_fhir, to_fhir
from mesoclinic.patients.models import (
    Allergy,
    AnyHistoryEntry,
    Condition,
    Medication,
    MedicationOrigin,
    Observation,
)

Resource = dict[str, Any]


@dataclass(frozen=True)
class HistoryKind:
    """One FHIR type of the history, e.g. MedicationRequest → Medication(origin=request)."""

    resource_type: str
    model: type[AnyHistoryEntry]
    # Where the resource names its patient: `subject`, or `patient` for AllergyIntolerance.
    subject: str
    to_fhir: Callable[[Any], Resource]
    from_fhir: Callable[[Resource, dict[str, Resource]], dict[str, Any]]
    filters: dict[str, str] = field(default_factory=dict)

    def rows(self) -> models.QuerySet[Any]:
        return self.model.objects.filter(**self.filters)


HISTORY = {
    kind.resource_type: kind
    for kind in (
        HistoryKind(
            "Condition",
            Condition,
            "subject",
            to_fhir.condition_resource,
            lambda res, _: from_fhir.condition_fields(res),
        ),
        HistoryKind(
            "MedicationStatement",
            Medication,
            "subject",
            to_fhir.medication_resource,
            from_fhir.medication_fields,
            {"origin": MedicationOrigin.STATEMENT},
        ),
        HistoryKind(
            "MedicationRequest",
            Medication,
            "subject",
            to_fhir.medication_resource,
            from_fhir.medication_fields,
            {"origin": MedicationOrigin.REQUEST},
        ),
        HistoryKind(
            "AllergyIntolerance",
            Allergy,
            "patient",
            to_fhir.allergy_resource,
            lambda res, _: from_fhir.allergy_fields(res),
        ),
        HistoryKind(
            "Observation",
            Observation,
            "subject",
            to_fhir.observation_resource,
            lambda res, _: from_fhir.observation_fields(res),
        ),
    )
}
SUPPORTED = ("Patient", *HISTORY)
# Read only to resolve a MedicationStatement's or MedicationRequest's medicationReference.
SUPPORTING = ("Medication",)
