"""Importing the calendar a clinic's own export wrote: practitioners (with their user), rooms
(Location), courses (CarePlan `course-…`) and appointments, under the ids they left with.

Their FHIR ids carry the row's number (`practitioner-3`, `room-2`, `course-7`,
`appointment-12`), so a row is made with that number: in an empty installation the clinic comes
back as it was exported. A number another row holds already is refused, saying so; a resource
the clinic holds exactly as it would export it is unchanged.
"""

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.management.color import no_style
from django.db import connection, models, transaction

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.fhir.from_fhir import Rejected
from mesoclinic.fhir.held import fhir_number, is_held
from mesoclinic.fhir.sources import Entry
from mesoclinic.scheduling.fhir import CARE_PLAN_STATUS, PROFESSIONS, TYPE_CODES
from mesoclinic.scheduling.models import Appointment, AppointmentKind, Course, CourseStatus

if TYPE_CHECKING:
    from mesoclinic.fhir.importer import Importer

Resource = dict[str, Any]
TAKEN = "{type} {id}: number {pk} is another clinic's {what}; {kinds} keep their number"
CHANGED = (
    "{type} {id} is held with other contents: {kinds} are changed on the clinic's pages, "
    "never by an import"
)
COURSE_TITLE = re.compile(r"Mesotherapy course \((?P<protocol>[^/]+)/(?P<template>.+)\)$")
COURSE_DESCRIPTION = re.compile(r"Protocol .+ version (?P<version>.+?)(; areas: (?P<areas>.+))?$")
SESSION_NUMBER = re.compile(r"Mesotherapy session (?P<number>\d+)$")
PREFIXES = {
    "Practitioner": "practitioner",
    "Location": "room",
    "CarePlan": "course",
    "Appointment": "appointment",
}
CALENDAR = tuple(PREFIXES)
MODELS: dict[str, type[models.Model]] = {
    "Practitioner": Practitioner,
    "Location": Room,
    "CarePlan": Course,
    "Appointment": Appointment,
}


# What reading a resource that is not as a mesoclinic export writes it runs into.
NOT_AS_EXPORTED = (KeyError, ValueError, IndexError, TypeError, StopIteration)


def why_refused(resource: Resource, refused: Exception) -> str:
    """The reason a resource is refused, naming what it lacks when it is not one of ours."""
    if isinstance(refused, Rejected):
        return str(refused)
    found = f"no {refused}" if isinstance(refused, KeyError) else str(refused)
    shown = f" ({found})" if found else ""
    return f"{resource['resourceType']} {resource['id']} is not as mesoclinic exports it{shown}"


def is_course(resource: Resource) -> bool:
    return resource["resourceType"] == "CarePlan" and str(resource["id"]).startswith("course-")


class CalendarImport:
    """Imports one run's calendar resources into its importer's clinic, in the order they name
    each other: practitioners and rooms, then courses, then appointments."""

    def __init__(self, importer: "Importer") -> None:
        self.importer = importer
        self.clinic = importer.clinic
        self.report = importer.report
        self.made: set[type[models.Model]] = set()
        # Appointment id → the course naming it as an activity.
        self.course_of: dict[str, int] = {}
        # Courses this run made, and courses it found as held: the plans' import links the
        # first to their treatment plan and leaves the second alone.
        self.courses_made: set[str] = set()
        self.courses_seen: set[str] = set()

    def run(self, by_type: dict[str, list[Entry]]) -> None:
        writers = {
            "Practitioner": self._practitioner,
            "Location": self._room,
            "CarePlan": self._course,
            "Appointment": self._appointment,
        }
        self.importer._load_patients(
            [
                _patient_reference(e.resource)
                for t in ("CarePlan", "Appointment")
                for e in by_type[t]
            ]
        )
        for resource_type, write in writers.items():
            for entry in by_type[resource_type]:
                self._each(entry, write)
        self._reset_numbering()

    def _each(self, entry: Entry, write: Any) -> None:
        resource = entry.resource
        resource_type = resource["resourceType"]
        if resource_type == "CarePlan":
            self._courses_sessions(resource)
        if is_held(self.clinic, resource):
            self.report.unchanged[resource_type] += 1
            self.courses_seen.add(resource["id"])
            return
        pk = fhir_number(resource["id"], PREFIXES[resource_type]) or 0
        if (
            resource_type == "CarePlan"
            and Course.objects.filter(clinic=self.clinic, pk=pk).exists()
        ):
            # A held course whose treatment plan changed: read back with the plans.
            return
        try:
            if not pk:
                raise Rejected(
                    f"{resource_type} {resource['id']} is not one of a mesoclinic export"
                )
            held = MODELS[resource_type]._default_manager.filter(pk=pk)
            if held.filter(clinic=self.clinic).exists():
                raise Rejected(_changed(resource))
            if held.exists():
                raise Rejected(_taken(resource, pk))
            with transaction.atomic():
                made = write(pk, resource)
        except (Rejected, *NOT_AS_EXPORTED) as refused:
            self.report.reject(entry, why_refused(resource, refused))
            self.courses_seen.add(resource["id"])
            return
        self.made.add(type(made))
        self.report.imported[resource_type] += 1
        audit_record(
            by=self.importer.actor,
            action=Action.CREATE,
            obj=made,
            summary=f"FHIR import of {resource_type} {resource['id']}",
            patient_id=getattr(made, "patient_id", None),
        )

    def _courses_sessions(self, resource: Resource) -> None:
        course = fhir_number(resource["id"], "course")
        for activity in resource.get("activity", []):
            reference = activity.get("reference", {}).get("reference", "")
            if course is not None:
                self.course_of[reference.removeprefix("Appointment/")] = course

    def _practitioner(self, pk: int, resource: Resource) -> Practitioner:
        name = resource["name"][0]
        email = next(
            (t["value"] for t in resource.get("telecom", []) if t["system"] == "email"), ""
        )
        code = resource["qualification"][0]["code"]["coding"][0]["code"]
        profession = next(p for p, (c, _) in PROFESSIONS.items() if c == code)
        username = email if email and not User.objects.filter(username=email).exists() else ""
        user = User(
            username=username or f"{resource['id']}-{self.clinic.pk}",
            clinic=self.clinic,
            role=Role.PRACTITIONER,
            first_name=" ".join(name.get("given", [])),
            last_name=name.get("family", ""),
            email=email,
        )
        # Whoever this is signs in only after the clinic admin sends an invitation.
        user.set_unusable_password()
        user.save()
        return Practitioner.objects.create(
            pk=pk,
            user=user,
            clinic=self.clinic,
            profession=profession,
            active=resource.get("active", True),
        )

    def _room(self, pk: int, resource: Resource) -> Room:
        return Room.objects.create(
            pk=pk,
            clinic=self.clinic,
            name=resource["name"],
            active=resource.get("status", "active") == "active",
        )

    def _course(self, pk: int, resource: Resource) -> Course:
        title = COURSE_TITLE.match(resource["title"])
        description = COURSE_DESCRIPTION.match(resource["description"])
        if title is None or description is None:
            raise Rejected(f"CarePlan {resource['id']} does not name its protocol as ours do")
        areas = description["areas"]
        course = Course.objects.create(
            pk=pk,
            clinic=self.clinic,
            patient_id=self._patient(resource),
            protocol_id=title["protocol"],
            template_id=title["template"],
            protocol_version=description["version"],
            areas=areas.split(", ") if areas else [],
            status=_course_status(resource["status"]),
            verdict="",
        )
        created = datetime.fromisoformat(resource["created"])
        Course.objects.filter(pk=pk).update(created_at=created)
        self.courses_made.add(resource["id"])
        return course

    def _appointment(self, pk: int, resource: Resource) -> Appointment:
        actors = {
            p["actor"]["reference"].partition("/")[0]: p["actor"]["reference"]
            for p in resource["participant"]
        }
        code = resource["appointmentType"]["coding"][0]["code"]
        kind = next(k for k, (c, _) in TYPE_CODES.items() if c == code)
        number = SESSION_NUMBER.match(resource.get("description", ""))
        practitioner = self._held(actors["Practitioner"], Practitioner.objects, "practitioner")
        room = self._held(actors["Location"], Room.objects, "room")
        course = self.course_of.get(resource["id"]) if kind == AppointmentKind.SESSION else None
        if course is not None and not Course.objects.filter(clinic=self.clinic, pk=course).exists():
            course = None
        return Appointment.objects.create(
            pk=pk,
            clinic=self.clinic,
            patient_id=self._patient(resource),
            practitioner_id=practitioner,
            room_id=room,
            start=datetime.fromisoformat(resource["start"]),
            end=datetime.fromisoformat(resource["end"]),
            kind=kind,
            status=resource["status"],
            course_id=course,
            number=int(number["number"]) if number else None,
        )

    def _held(self, reference: str, rows: models.Manager[Any], prefix: str) -> int:
        """The number of the clinic's row `reference` names (`Practitioner/practitioner-3`)."""
        pk = fhir_number(reference.partition("/")[2], prefix)
        if pk is None or not rows.filter(clinic=self.clinic, pk=pk).exists():
            raise Rejected(f"{prefix} {reference!r} is not one of this clinic's")
        return pk

    def _patient(self, resource: Resource) -> int:
        return imported_patient(self.importer, _patient_reference(resource))

    def _reset_numbering(self) -> None:
        """Rows made with their own numbers: the database's next number must come after them."""
        statements = connection.ops.sequence_reset_sql(no_style(), sorted(self.made, key=str))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def imported_patient(importer: "Importer", reference: str) -> int:
    """The clinic's number for the patient `reference` names, from this import or the clinic."""
    _, source_id = importer._target(reference)
    if source_id not in importer.patients:
        raise Rejected(f"patient {reference!r} is neither in this import nor in the clinic")
    return importer.patients[source_id]


def _patient_reference(resource: Resource) -> str:
    if "subject" in resource:
        return str(resource["subject"]["reference"])
    for participant in resource.get("participant", []):
        reference = str(participant["actor"].get("reference", ""))
        if reference.startswith("Patient/"):
            return reference
    return ""


def _course_status(status: str) -> str:
    """A booked course leaves as `active` whether or not it began: it comes back planned, and
    becomes active again when its first signed session comes in."""
    if status == "active":
        return CourseStatus.PLANNED
    return next(s for s, fhir in CARE_PLAN_STATUS.items() if fhir == status)


def _taken(resource: Resource, pk: int) -> str:
    what = PREFIXES[resource["resourceType"]]
    return TAKEN.format(
        type=resource["resourceType"], id=resource["id"], pk=pk, what=what, kinds=f"{what}s"
    )


def _changed(resource: Resource) -> str:
    kinds = f"{PREFIXES[resource['resourceType']]}s"
    return CHANGED.format(type=resource["resourceType"], id=resource["id"], kinds=kinds)
