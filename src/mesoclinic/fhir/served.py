"""The FHIR types the read API serves: whose rows each one shows, and how each one is searched.

One `Served` per resource type; a type kept in two tables (a CarePlan is a course of sessions or
a consultation's treatment plan) has one `Source` per table. The CapabilityStatement is written
from this registry, so it lists exactly what the API does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from mesoclinic.accounts.models import Role, User
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.fhir import search
from mesoclinic.fhir.exporter import course_resource, course_sessions
from mesoclinic.fhir.kinds import HISTORY, HistoryKind
from mesoclinic.fhir.to_fhir import (
    ALLERGY_CLINICAL,
    ALLERGY_VERIFICATION,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    patient_resource,
)
from mesoclinic.followup.fhir import report_to_fhir
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.inventory.models import Ingredient
from mesoclinic.patients.access import patients_visible_to
from mesoclinic.patients.models import Patient, PatientIdentifier
from mesoclinic.scheduling.fhir import appointment_to_fhir, practitioner_to_fhir, room_to_fhir
from mesoclinic.scheduling.models import Appointment, Course, CourseStatus
from mesoclinic.treatments.fhir import plan_to_fhir
from mesoclinic.treatments.models import PlanAreaProduct, TreatmentPlan

Resource = dict[str, Any]
Rows = QuerySet[Any]
R4 = "http://hl7.org/fhir/SearchParameter/"


@dataclass(frozen=True)
class Param:
    """A search parameter as the CapabilityStatement lists it."""

    name: str
    type: str
    definition: str
    documentation: str


@dataclass(frozen=True)
class Source:
    """One table holding resources of a type."""

    # The rows `user` may see, with what their resources read.
    rows: Callable[[User], Rows]
    to_fhir: Callable[[Any], Resource]
    # The rows named by a FHIR id.
    by_id: Callable[[str], Q]
    # Each search parameter, as a filter over these rows.
    filters: dict[str, Callable[[str, str], Q]]
    # The path from a row to its patient ("" for the patient itself, None if there is none).
    patient: str | None = "patient"
    # Whether the rows carry a FHIR id given on first sight (a record entered here).
    assigns_ids: bool = True
    # Whether an import may have kept the resource as received, to be served whole.
    received: bool = False


@dataclass(frozen=True)
class Served:
    resource_type: str
    sources: tuple[Source, ...]
    params: tuple[Param, ...]
    # Refused to reception, who see patients' details and the calendar, not clinical records.
    clinical: bool = True
    # The column `_lastUpdated` and `_sort=-_lastUpdated` read; None where a row has none.
    last_updated: str | None = None
    searchable: dict[str, Param] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "searchable", {p.name: p for p in self.params})


def _id(name: str) -> Param:
    return Param(name, "token", f"{R4}Resource-id", "The resource's logical id.")


ID = _id("_id")
LAST_UPDATED = Param(
    "_lastUpdated",
    "date",
    f"{R4}Resource-lastUpdated",
    "When the record last changed here (ranges with ge, gt, le, lt, eq, ne, sa, eb).",
)


def _patient_param(resource_type: str, name: str = "patient") -> Param:
    definition = "clinical-patient" if name == "patient" else f"{resource_type}-subject"
    return Param(name, "reference", f"{R4}{definition}", "The patient, by id or Patient/<id>.")


def _token(name: str, definition: str, documentation: str) -> Param:
    return Param(name, "token", f"{R4}{definition}", documentation)


def _date(name: str, definition: str, documentation: str) -> Param:
    return Param(name, "date", f"{R4}{definition}", documentation)


def _fhir_id(value: str) -> Q:
    return Q(fhir_id=value) if value else search.NOTHING


def _numbered(prefix: str) -> Callable[[str], Q]:
    """Ids of the form `<prefix>-<number>`, the number being the row's own."""

    def by_id(value: str) -> Q:
        head, _, number = value.rpartition("-")
        if head != prefix or not number.isdigit() or len(number) > 18:
            return search.NOTHING
        return Q(pk=int(number))

    return by_id


def _patient_filter(path: str) -> Callable[[str, str], Q]:
    def apply(name: str, value: str) -> Q:
        return search.reference(name, value, f"{path}__fhir_id", "Patient")

    return apply


def _history_rows(kind: HistoryKind) -> Callable[[User], Rows]:
    def rows(user: User) -> Rows:
        return kind.rows().filter(patient__in=patients_visible_to(user)).select_related("patient")

    return rows


def _history(kind: HistoryKind, params: tuple[Param, ...], filters: dict[str, Any]) -> Served:
    """A history type: the patient's own rows, found by patient, code and the type's own."""
    name = kind.subject if kind.subject == "patient" else "subject"
    patient_params: tuple[Param, ...] = (_patient_param(kind.resource_type),)
    if name == "subject":
        patient_params += (_patient_param(kind.resource_type, "subject"),)
    model = kind.model
    common: dict[str, Callable[[str, str], Q]] = {
        "_id": lambda n, v: search.any_of(n, v, _fhir_id),
        "_lastUpdated": lambda n, v: search.date(n, v, "updated_at"),
        "patient": _patient_filter("patient"),
        "code": lambda n, v: search.coding_token(n, v, model),
    }
    if name == "subject":
        common["subject"] = _patient_filter("patient")
    medication = kind.resource_type.startswith("Medication")
    code = _token(
        "code",
        "medications-code" if medication else "clinical-code",
        "Any coding of the code, as code, system|code, |code or system|.",
    )
    source = Source(
        rows=_history_rows(kind),
        to_fhir=kind.to_fhir,
        by_id=_fhir_id,
        filters={**common, **filters},
        received=True,
    )
    return Served(
        kind.resource_type,
        (source,),
        (ID, LAST_UPDATED, *patient_params, code, *params),
        last_updated="updated_at",
    )


def _status_code(column: str, system: str = "") -> Callable[[str, str], Q]:
    def apply(name: str, value: str) -> Q:
        return search.token(name, value, None, column, system)

    return apply


def _clinical_status(system: str) -> Callable[[str, str], Q]:
    # R4 forbids a clinical status on a record entered in error: it has none to be found by.
    def apply(name: str, value: str) -> Q:
        entered = Q(verification_status="entered-in-error")
        return search.token(name, value, None, "clinical_status", system) & ~entered

    return apply


CONDITION = _history(
    HISTORY["Condition"],
    (
        _token(
            "clinical-status", "Condition-clinical-status", "active, resolved, … (system|code)."
        ),
        _token(
            "verification-status",
            "Condition-verification-status",
            "confirmed, refuted, … (system|code).",
        ),
        _date("onset-date", "Condition-onset-date", "The day the condition began, as ranges."),
    ),
    {
        "clinical-status": _clinical_status(CONDITION_CLINICAL),
        "verification-status": _status_code("verification_status", CONDITION_VERIFICATION),
        "onset-date": lambda n, v: search.date(n, v, "onset", day_only=True),
    },
)
ALLERGY = _history(
    HISTORY["AllergyIntolerance"],
    (
        _token(
            "clinical-status",
            "AllergyIntolerance-clinical-status",
            "active, inactive or resolved (system|code).",
        ),
        _token(
            "verification-status",
            "AllergyIntolerance-verification-status",
            "confirmed, refuted, … (system|code).",
        ),
        _token("criticality", "AllergyIntolerance-criticality", "low, high or unable-to-assess."),
    ),
    {
        "clinical-status": _clinical_status(ALLERGY_CLINICAL),
        "verification-status": _status_code("verification_status", ALLERGY_VERIFICATION),
        "criticality": _status_code("criticality"),
    },
)
OBSERVATION = _history(
    HISTORY["Observation"],
    (
        _token("status", "Observation-status", "final, amended, … (the status's code)."),
        _date("date", "clinical-date", "When the observation was made (effective), as ranges."),
    ),
    {
        "status": _status_code("status"),
        "date": lambda n, v: search.date(n, v, "effective"),
    },
)
STATEMENT = _history(
    HISTORY["MedicationStatement"],
    (
        _token("status", "medications-status", "active, completed, stopped, … (the code)."),
        _date("effective", "MedicationStatement-effective", "The day it was started, as ranges."),
    ),
    {
        "status": _status_code("status"),
        "effective": lambda n, v: search.date(n, v, "started", day_only=True),
    },
)
REQUEST = _history(
    HISTORY["MedicationRequest"],
    (
        _token("status", "medications-status", "active, completed, stopped, … (the code)."),
        _date("authoredon", "MedicationRequest-authoredon", "The day it was prescribed."),
    ),
    {
        "status": _status_code("status"),
        "authoredon": lambda n, v: search.date(n, v, "started", day_only=True),
    },
)


def _patient_rows(user: User) -> Rows:
    identifiers = PatientIdentifier.objects.order_by("pk")
    return patients_visible_to(user).prefetch_related(Prefetch("identifiers", identifiers))


def _patient_to_fhir(patient: Patient) -> Resource:
    return patient_resource(patient, list(patient.identifiers.all()))


PATIENT = Served(
    "Patient",
    (
        Source(
            rows=_patient_rows,
            to_fhir=_patient_to_fhir,
            by_id=_fhir_id,
            filters={
                "_id": lambda n, v: search.any_of(n, v, _fhir_id),
                "_lastUpdated": lambda n, v: search.date(n, v, "updated_at"),
                "birthdate": lambda n, v: search.date(n, v, "birth_date", day_only=True),
            },
            patient="",
            received=True,
        ),
    ),
    (
        ID,
        LAST_UPDATED,
        _date("birthdate", "individual-birthdate", "The patient's date of birth, as ranges."),
    ),
    clinical=False,
    last_updated="updated_at",
)


def _appointment_rows(user: User) -> Rows:
    return Appointment.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient", "practitioner__user", "room"
    )


def _appointment_patient(name: str, value: str) -> Q:
    # An appointment names a patient who has no FHIR id yet by their number here.
    def one(part: str) -> Q:
        fhir_id = part.rstrip("/").rpartition("/")[2]
        numbered = Q(patient__fhir_id="", patient_id=int(fhir_id)) if fhir_id.isdigit() else None
        found = search.reference(name, part, "patient__fhir_id", "Patient")
        return found | numbered if numbered is not None and len(fhir_id) < 18 else found

    return search.any_of(name, value, one)


APPOINTMENT = Served(
    "Appointment",
    (
        Source(
            rows=_appointment_rows,
            to_fhir=appointment_to_fhir,
            by_id=_numbered("appointment"),
            filters={
                "_id": lambda n, v: search.any_of(n, v, _numbered("appointment")),
                "patient": _appointment_patient,
                "status": _status_code("status"),
                "date": lambda n, v: search.date(n, v, "start"),
            },
            assigns_ids=False,
        ),
    ),
    (
        ID,
        Param("patient", "reference", f"{R4}Appointment-patient", "The patient who attends."),
        _token("status", "Appointment-status", "booked, fulfilled, cancelled, … (the code)."),
        _date("date", "Appointment-date", "When the appointment starts, as ranges."),
    ),
    clinical=False,
)

# A course's FHIR status, and the course statuses that show as it.
COURSE_STATUSES = {
    "active": (CourseStatus.PLANNED, CourseStatus.ACTIVE),
    "completed": (CourseStatus.COMPLETED,),
    "revoked": (CourseStatus.CANCELLED,),
}


def _course_rows(user: User) -> Rows:
    plan = TreatmentPlan.objects.filter(pk=OuterRef("treatment_plan_id")).values("fhir_id")
    return (
        Course.objects.filter(patient__in=patients_visible_to(user))
        .select_related("patient")
        .prefetch_related(course_sessions())
        .annotate(plan_fhir_id=Subquery(plan[:1]))
    )


def _course_to_fhir(course: Any) -> Resource:
    return course_resource(course, course.plan_fhir_id)


def _course_status(name: str, value: str) -> Q:
    return search.any_of(name, value, lambda code: Q(status__in=COURSE_STATUSES.get(code, ())))


def _plan_rows(user: User) -> Rows:
    rows = TreatmentPlan.objects.filter(consultation__patient__in=patients_visible_to(user))
    if user.role == Role.PATIENT:
        # A patient sees the plans their practitioner signed, not drafts.
        rows = rows.filter(consultation__signed_at__isnull=False)
    ingredients = Ingredient.objects.order_by("position")
    return rows.select_related(
        "consultation__patient", "consultation__practitioner__user", "numbing_product"
    ).prefetch_related(
        Prefetch(
            "areas__formulation",
            queryset=PlanAreaProduct.objects.select_related("product").prefetch_related(
                Prefetch("product__ingredients", queryset=ingredients)
            ),
        ),
        Prefetch("numbing_product__ingredients", queryset=ingredients),
    )


def _plan_to_fhir(plan: TreatmentPlan) -> Resource:
    return plan_to_fhir(plan, list(plan.areas.all()))


def _plan_status(name: str, value: str) -> Q:
    signed = Q(consultation__signed_at__isnull=False)
    statuses = {"active": signed, "draft": ~signed}
    return search.any_of(name, value, lambda code: statuses.get(code, search.NOTHING))


CARE_PLAN = Served(
    "CarePlan",
    (
        Source(
            rows=_plan_rows,
            to_fhir=_plan_to_fhir,
            by_id=_fhir_id,
            filters={
                "_id": lambda n, v: search.any_of(n, v, _fhir_id),
                "patient": _patient_filter("consultation__patient"),
                "subject": _patient_filter("consultation__patient"),
                "status": _plan_status,
            },
            patient="consultation__patient",
        ),
        Source(
            rows=_course_rows,
            to_fhir=_course_to_fhir,
            by_id=_numbered("course"),
            filters={
                "_id": lambda n, v: search.any_of(n, v, _numbered("course")),
                "patient": _appointment_patient,
                "subject": _appointment_patient,
                "status": _course_status,
            },
            assigns_ids=False,
        ),
    ),
    (
        ID,
        _patient_param("CarePlan"),
        _patient_param("CarePlan", "subject"),
        _token("status", "CarePlan-status", "draft, active, completed or revoked (the code)."),
    ),
)


def _practitioner_rows(user: User) -> Rows:
    return Practitioner.objects.filter(clinic_id=user.clinic_id).select_related("user")


def _room_rows(user: User) -> Rows:
    return Room.objects.filter(clinic_id=user.clinic_id)


PRACTITIONER = Served(
    "Practitioner",
    (
        Source(
            rows=_practitioner_rows,
            to_fhir=practitioner_to_fhir,
            by_id=_numbered("practitioner"),
            filters={"_id": lambda n, v: search.any_of(n, v, _numbered("practitioner"))},
            patient=None,
            assigns_ids=False,
        ),
    ),
    (ID,),
    clinical=False,
)
LOCATION = Served(
    "Location",
    (
        Source(
            rows=_room_rows,
            to_fhir=room_to_fhir,
            by_id=_numbered("room"),
            filters={"_id": lambda n, v: search.any_of(n, v, _numbered("room"))},
            patient=None,
            assigns_ids=False,
        ),
    ),
    (ID,),
    clinical=False,
)


def _adverse_event_rows(user: User) -> Rows:
    return SideEffectReport.objects.filter(patient__in=patients_visible_to(user)).select_related(
        "patient"
    )


ADVERSE_EVENT = Served(
    "AdverseEvent",
    (
        Source(
            rows=_adverse_event_rows,
            to_fhir=report_to_fhir,
            by_id=_numbered("side-effect"),
            filters={
                "_id": lambda n, v: search.any_of(n, v, _numbered("side-effect")),
                "patient": _appointment_patient,
                "subject": _appointment_patient,
                "date": lambda n, v: search.date(n, v, "started_on", day_only=True),
            },
            assigns_ids=False,
        ),
    ),
    (
        ID,
        Param(
            "patient",
            "reference",
            f"{R4}AdverseEvent-subject",
            "The patient who reported the side effect, by id or Patient/<id>.",
        ),
        _patient_param("AdverseEvent", "subject"),
        _date("date", "AdverseEvent-date", "The day the side effect started, as ranges."),
    ),
)

SERVED = {
    served.resource_type: served
    for served in (
        PATIENT,
        CONDITION,
        STATEMENT,
        REQUEST,
        ALLERGY,
        OBSERVATION,
        APPOINTMENT,
        CARE_PLAN,
        ADVERSE_EVENT,
        PRACTITIONER,
        LOCATION,
    )
}
