"""The FHIR exporter: a clinic's records as FHIR R4 resources, with ids that stay the same."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import models

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.fhir.kinds import HISTORY
from mesoclinic.fhir.to_fhir import concept_map_resource, patient_resource
from mesoclinic.followup.fhir import adverse_event_resources
from mesoclinic.inventory.fhir import lot_to_fhir, product_to_fhir
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.inventory.queries import lots_of, products_of
from mesoclinic.outcomes.fhir import gais_resources
from mesoclinic.patients.models import ClinicMapping, Patient
from mesoclinic.scheduling.fhir import (
    appointment_to_fhir,
    course_to_fhir,
    practitioner_to_fhir,
    room_to_fhir,
)
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments.fhir import encounter_to_fhir, impression_to_fhir, plan_to_fhir
from mesoclinic.treatments.models import Consultation, TreatmentPlan
from mesoclinic.treatments.queries import loaded_plan

Resource = dict[str, Any]
CHUNK = 2000


def assign_fhir_ids(rows: models.QuerySet[Any]) -> int:
    """Give rows that never had a FHIR id a new one, kept so later exports use it again."""
    missing = list(rows.filter(fhir_id="").only("pk"))
    for row in missing:
        row.fhir_id = str(uuid.uuid4())
    rows.model.objects.bulk_update(missing, ["fhir_id"], batch_size=500)
    return len(missing)


def assign_clinic_fhir_ids(clinic: Clinic) -> None:
    """Every patient and history row of the clinic gets its FHIR id, once; call in a transaction."""
    assign_fhir_ids(Patient.objects.filter(clinic=clinic))
    for kind in HISTORY.values():
        assign_fhir_ids(kind.rows().filter(patient__clinic=clinic))
    assign_fhir_ids(Product.objects.filter(clinic=clinic))
    assign_fhir_ids(Lot.objects.filter(clinic=clinic))
    assign_fhir_ids(Consultation.objects.filter(clinic=clinic))
    assign_fhir_ids(TreatmentPlan.objects.filter(consultation__clinic=clinic))


def clinic_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """(type, resource) for every record of the clinic: Patients, their history, the calendar."""
    patients = Patient.objects.filter(clinic=clinic).order_by("pk").prefetch_related("identifiers")
    for patient in patients.iterator(chunk_size=CHUNK):
        yield "Patient", patient_resource(patient, list(patient.identifiers.all()))
    for resource_type, kind in HISTORY.items():
        rows = kind.rows().filter(patient__clinic=clinic).select_related("patient").order_by("pk")
        for row in rows.iterator(chunk_size=CHUNK):
            yield resource_type, kind.to_fhir(row)
    yield from mapping_resources(clinic)
    yield from catalogue_resources(clinic)
    yield from calendar_resources(clinic)
    yield from consultation_resources(clinic)
    yield from adverse_event_resources(clinic)
    yield from gais_resources(clinic)


def catalogue_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """The clinic's products and lots, each a Medication."""
    for product in products_of(clinic).order_by("pk"):
        yield "Medication", product_to_fhir(product)
    for lot in lots_of(clinic).order_by("pk"):
        yield "Medication", lot_to_fhir(lot)


def consultation_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Each consultation as an Encounter and a ClinicalImpression, each plan as a CarePlan."""
    consultations = Consultation.objects.filter(clinic=clinic).select_related(
        "patient", "practitioner__user"
    )
    for consultation in consultations.order_by("pk"):
        yield "Encounter", encounter_to_fhir(consultation)
        yield "ClinicalImpression", impression_to_fhir(consultation)
        plan = loaded_plan(consultation)
        if plan is not None:
            yield "CarePlan", plan_to_fhir(plan, list(plan.areas.all()))


def mapping_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """The clinic's screening mappings that apply, as one ConceptMap (none without mappings)."""
    made = ClinicMapping.objects.filter(clinic=clinic)
    current = list(made.filter(retired_at__isnull=True).select_related("created_by").order_by("pk"))
    if current:
        yield "ConceptMap", concept_map_resource(clinic, current, made.count())


def calendar_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """The clinic's practitioners, rooms, courses and appointments, as the calendar holds them."""
    practitioners = Practitioner.objects.filter(clinic=clinic).select_related("user")
    for practitioner in practitioners.order_by("pk"):
        yield "Practitioner", practitioner_to_fhir(practitioner)
    for room in Room.objects.filter(clinic=clinic).order_by("pk"):
        yield "Location", room_to_fhir(room)
    courses = Course.objects.filter(clinic=clinic).select_related("patient").order_by("pk")
    plans = dict(
        TreatmentPlan.objects.filter(consultation__clinic=clinic).values_list("pk", "fhir_id")
    )
    for course in courses.iterator(chunk_size=CHUNK):
        resource = course_to_fhir(course)
        if course.treatment_plan_id in plans:
            # The course carries out the treatment plan it was booked from.
            resource["basedOn"] = [{"reference": f"CarePlan/{plans[course.treatment_plan_id]}"}]
        yield "CarePlan", resource
    appointments = Appointment.objects.filter(clinic=clinic).select_related(
        "patient", "practitioner__user", "room"
    )
    for appointment in appointments.order_by("pk").iterator(chunk_size=CHUNK):
        yield "Appointment", appointment_to_fhir(appointment)


def write_ndjson(resources: Iterator[tuple[str, Resource]], directory: Path) -> dict[str, int]:
    """One `<Type>.ndjson` per type; each file appears whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    counts: dict[str, int] = {}
    try:
        for resource_type, resource in resources:
            if resource_type not in files:
                files[resource_type] = (directory / f"{resource_type}.ndjson.part").open("w")
                counts[resource_type] = 0
            files[resource_type].write(json.dumps(resource, ensure_ascii=False) + "\n")
            counts[resource_type] += 1
    finally:
        for handle in files.values():
            handle.close()
    for resource_type in files:
        part = directory / f"{resource_type}.ndjson.part"
        part.replace(directory / f"{resource_type}.ndjson")
    return counts
