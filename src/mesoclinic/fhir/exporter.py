"""The FHIR exporter: a clinic's records as FHIR R4 resources, with ids that stay the same."""

import json
import uuid
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import orjson
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.fhir.kinds import HISTORY, SUPPORTING
from mesoclinic.fhir.narrative import with_narrative
from mesoclinic.fhir.received import kept_only, made_whole
from mesoclinic.fhir.to_fhir import concept_map_resource, patient_resource
from mesoclinic.followup.fhir import adverse_event_resources
from mesoclinic.inventory.fhir import lot_to_fhir, product_to_fhir
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.inventory.queries import lots_of, products_of
from mesoclinic.outcomes.fhir import gais_resources
from mesoclinic.patients.models import ClinicMapping, Patient, full_name
from mesoclinic.scheduling.fhir import (
    AppointmentShown,
    appointment_resource,
    course_to_fhir,
    patient_reference,
    practitioner_to_fhir,
    room_to_fhir,
)
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments.fhir import encounter_to_fhir, impression_to_fhir, plan_to_fhir
from mesoclinic.treatments.fhir_records import consent_to_fhir, media_to_fhir, procedure_to_fhir
from mesoclinic.treatments.models import (
    Consent,
    Consultation,
    SessionPhoto,
    TreatmentPlan,
    TreatmentSession,
)
from mesoclinic.treatments.pdfs import consent_pdf
from mesoclinic.treatments.queries import loaded_plan, session_points

Resource = dict[str, Any]
# Rows read at a time: a chunk and what is made of it are most of the export's memory (a chunk
# of 1,000 peaked 6 MiB lower than 2,000 at 10,000 patients, as fast).
CHUNK = 1000
# For a resource orjson refuses (an integer past 64 bits, as a decimal received may hold).
ENCODER = json.JSONEncoder(ensure_ascii=False)


def assign_fhir_ids(rows: models.QuerySet[Any]) -> int:
    """Give rows that never had a FHIR id a new one, kept so later exports use it again.

    A batch at a time, so a first export of a large clinic holds no list of all its rows.
    """
    model, assigned = rows.model, 0
    while True:
        batch = list(rows.filter(fhir_id="").values_list("pk", flat=True)[:CHUNK])
        named = [model(pk=pk, fhir_id=str(uuid.uuid4())) for pk in batch]
        model.objects.bulk_update(named, ["fhir_id"], batch_size=500)
        assigned += len(batch)
        if len(batch) < CHUNK:  # the last batch: no query to find nothing left
            return assigned


def assign_clinic_fhir_ids(clinic: Clinic) -> None:
    """Every patient and history row of the clinic gets its FHIR id, once; call in a transaction."""
    assign_fhir_ids(Patient.objects.filter(clinic=clinic))
    for kind in HISTORY.values():
        assign_fhir_ids(kind.rows().filter(patient__clinic=clinic))
    assign_fhir_ids(Product.objects.filter(clinic=clinic))
    assign_fhir_ids(Lot.objects.filter(clinic=clinic))
    assign_fhir_ids(Consultation.objects.filter(clinic=clinic))
    assign_fhir_ids(TreatmentPlan.objects.filter(consultation__clinic=clinic))
    # A consent's FHIR id is no part of what was signed: written past its save() guard.
    assign_fhir_ids(Consent.objects.filter(clinic=clinic))
    assign_fhir_ids(TreatmentSession.objects.filter(clinic=clinic))
    assign_fhir_ids(SessionPhoto.objects.filter(clinic=clinic))


def clinic_resources(clinic: Clinic, types: Collection[str] = ()) -> Iterator[tuple[str, Resource]]:
    """(type, resource) for every record of the clinic: Patients, their history, the calendar;
    each with a narrative. With `types`, only those, and the tables of no other are read."""
    for resource_type, resource in _clinic_resources(clinic, frozenset(types)):
        if not types or resource_type in types:
            yield resource_type, with_narrative(resource)


def _clinic_resources(clinic: Clinic, types: frozenset[str]) -> Iterator[tuple[str, Resource]]:
    for made, section in _sections():
        if not types or not types.isdisjoint(made):
            yield from section(clinic)


def history_resources(resource_type: str) -> "Section":
    """The clinic's history entries of one type, each made whole from what was received."""
    kind = HISTORY[resource_type]

    def resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
        rows = kind.rows().filter(patient__clinic=clinic).select_related("patient").order_by("pk")
        history = (kind.to_fhir(row) for row in rows.iterator(chunk_size=CHUNK))
        for resource in made_whole(clinic, resource_type, history):
            yield resource_type, resource

    return resources


def supporting_resources(resource_type: str) -> "Section":
    """The resources of one type kept as received that no column holds."""

    def resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
        for resource in kept_only(clinic, resource_type):
            yield resource_type, resource

    return resources


def patient_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Each patient with their identifiers, made whole from what was received."""
    patients = Patient.objects.filter(clinic=clinic).order_by("pk").prefetch_related("identifiers")
    as_held = (
        patient_resource(patient, list(patient.identifiers.all()))
        for patient in patients.iterator(chunk_size=CHUNK)
    )
    for resource in made_whole(clinic, "Patient", as_held):
        yield "Patient", resource


def session_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Each signed consent (with its PDF), each session as a Procedure, each photo as Media."""
    consents = Consent.objects.filter(clinic=clinic).select_related("patient", "template", "clinic")
    for consent in consents.order_by("pk").iterator(chunk_size=CHUNK):
        yield "Consent", consent_to_fhir(consent, consent_pdf(consent))
    sessions = TreatmentSession.objects.filter(clinic=clinic).select_related(
        "patient", "practitioner__user", "consent", "appointment", "numbing_lot__product"
    )
    for session in sessions.order_by("pk").iterator(chunk_size=CHUNK):
        yield "Procedure", procedure_to_fhir(session, session_points(session))
    photos = SessionPhoto.objects.filter(clinic=clinic).select_related("patient", "session")
    for photo in photos.order_by("pk").iterator(chunk_size=CHUNK):
        with default_storage.open(photo.image) as stored:
            yield "Media", media_to_fhir(photo, stored.read())
    yield from adverse_event_resources(clinic)
    yield from gais_resources(clinic)


def catalogue_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """The clinic's products and lots, each a Medication."""
    for product in products_of(clinic).order_by("pk").iterator(chunk_size=CHUNK):
        yield "Medication", product_to_fhir(product)
    for lot in lots_of(clinic).order_by("pk").iterator(chunk_size=CHUNK):
        yield "Medication", lot_to_fhir(lot)


def consultation_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Each consultation as an Encounter and a ClinicalImpression, each plan as a CarePlan."""
    consultations = Consultation.objects.filter(clinic=clinic).select_related(
        "patient", "practitioner__user"
    )
    for consultation in consultations.order_by("pk").iterator(chunk_size=CHUNK):
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
    practitioner_names: dict[int, str] = {}
    room_names: dict[int, str] = {}
    for practitioner in practitioners.order_by("pk"):
        practitioner_names[practitioner.pk] = str(practitioner)
        yield "Practitioner", practitioner_to_fhir(practitioner)
    for room in Room.objects.filter(clinic=clinic).order_by("pk"):
        room_names[room.pk] = str(room)
        yield "Location", room_to_fhir(room)
    plan_fhir_id = TreatmentPlan.objects.filter(pk=OuterRef("treatment_plan_id"))
    courses = (
        Course.objects.filter(clinic=clinic)
        .select_related("patient")
        .prefetch_related(course_sessions())
        # The plan's FHIR id comes with each course: no map of every plan held meanwhile.
        .annotate(plan_fhir_id=Subquery(plan_fhir_id.values("fhir_id")))
        .order_by("pk")
    )
    for course in courses.iterator(chunk_size=CHUNK):
        yield "CarePlan", course_resource(course, course.plan_fhir_id)
    for shown in appointments_shown(clinic, practitioner_names, room_names):
        yield "Appointment", appointment_resource(shown)


def appointments_shown(
    clinic: Clinic, practitioners: dict[int, str], rooms: dict[int, str]
) -> Iterator[AppointmentShown]:
    """What each of the clinic's appointments shows, read as plain values: a million
    appointments name a few practitioners and rooms (by their names here), and of the patient
    the Appointment shows only their reference and name."""
    rows = (
        Appointment.objects.filter(clinic=clinic)
        .order_by("pk")
        .values_list(*APPOINTMENT_VALUES)
        .iterator(chunk_size=CHUNK)
    )
    for pk, status, kind, number, start, end, patient, fhir_id, given, family, by, room in rows:
        yield AppointmentShown(
            pk,
            status,
            kind,
            number,
            start,
            end,
            patient_reference(fhir_id, patient),
            full_name(given, family),
            by,
            practitioners[by],
            room,
            rooms[room],
        )


# What `appointments_shown` reads of each appointment and its patient.
APPOINTMENT_VALUES = (
    "pk",
    "status",
    "kind",
    "number",
    "start",
    "end",
    "patient_id",
    "patient__fhir_id",
    "patient__given_name",
    "patient__family_name",
    "practitioner_id",
    "room_id",
)


def course_sessions() -> Prefetch[Any]:
    """A course's sessions in order, as `course_resource` reads them."""
    return Prefetch(
        "sessions", queryset=Appointment.objects.order_by("start", "pk").only("pk", "course_id")
    )


def course_resource(course: Course, plan_fhir_id: str | None) -> Resource:
    """A course as a CarePlan, based on the treatment plan it was booked from, if any; courses
    come with `course_sessions` prefetched."""
    resource = course_to_fhir(course, list(course.sessions.all()))
    if plan_fhir_id:
        # The course carries out the treatment plan it was booked from.
        resource["basedOn"] = [{"reference": f"CarePlan/{plan_fhir_id}"}]
    return resource


Section = Callable[[Clinic], Iterator[tuple[str, Resource]]]


def _sections() -> list[tuple[tuple[str, ...], Section]]:
    """The clinic's records in the order they are written, each part with the types it makes."""
    return [
        (("Patient",), patient_resources),
        *(((t,), history_resources(t)) for t in HISTORY),
        *(((t,), supporting_resources(t)) for t in SUPPORTING),
        (("ConceptMap",), mapping_resources),
        (("Medication",), catalogue_resources),
        (("Practitioner", "Location", "CarePlan", "Appointment"), calendar_resources),
        (("Encounter", "ClinicalImpression", "CarePlan"), consultation_resources),
        (("Consent", "Procedure", "Media", "AdverseEvent", "Observation"), session_resources),
    ]


def write_ndjson(resources: Iterator[tuple[str, Resource]], directory: Path) -> dict[str, int]:
    """One `<Type>.ndjson` per type; each file appears whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    counts: dict[str, int] = {}
    try:
        for resource_type, resource in resources:
            if resource_type not in files:
                files[resource_type] = (directory / f"{resource_type}.ndjson.part").open("wb")
                counts[resource_type] = 0
            files[resource_type].write(ndjson_line(resource))
            counts[resource_type] += 1
    finally:
        for handle in files.values():
            handle.close()
    for resource_type in files:
        part = directory / f"{resource_type}.ndjson.part"
        part.replace(directory / f"{resource_type}.ndjson")
    return counts


def ndjson_line(resource: Resource) -> bytes:
    """`resource` as one line of UTF-8 JSON: by orjson, which takes a tenth of the standard
    library's time and was the export's largest single cost after the database."""
    try:
        return orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (ENCODER.encode(resource) + "\n").encode()
