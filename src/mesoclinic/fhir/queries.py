"""Reading the record as FHIR for one user: through the one permission check, every read audited."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Q
from django.http import Http404

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.fhir.exporter import assign_fhir_ids
from mesoclinic.fhir.narrative import with_narrative
from mesoclinic.fhir.received import kept_for, with_received
from mesoclinic.fhir.search import BadSearch
from mesoclinic.fhir.served import SERVED, Served, Source
from mesoclinic.patients.access import get_patient_for, patients_visible_to
from mesoclinic.treatments.models import Consultation

Resource = dict[str, Any]
UNKNOWN_TYPE = "mesoclinic does not serve {type}; it serves " + ", ".join(SERVED) + "."
NOT_FOUND = "No {type} with id {id!r} in your clinic."
RECEPTION_ONLY_PATIENTS = (
    "Reception sees patients' details and the calendar (Patient, Appointment, Practitioner, "
    "Location), not clinical records."
)
BAD_CURSOR = "The _cursor {cursor!r} is not one this server gave: start again from the search."


class UnknownType(Exception):
    """A resource type the FHIR API does not serve."""


def served_type(user: User, resource_type: str) -> Served:
    """The type as served, refusing types we do not serve and clinical types to reception."""
    served = SERVED.get(resource_type)
    if served is None:
        raise UnknownType(UNKNOWN_TYPE.format(type=resource_type))
    if served.clinical and user.role == Role.RECEPTION:
        raise PermissionDenied(RECEPTION_ONLY_PATIENTS)
    return served


def read_resource(user: User, resource_type: str, resource_id: str) -> Resource:
    """One resource by its FHIR id, if `user` may see it (and its patient: the read audited)."""
    served = served_type(user, resource_type)
    for source in served.sources:
        row = source.rows(user).filter(source.by_id(resource_id)).first()
        if row is None:
            continue
        patient = _patient_of(row, source)
        if patient is not None:
            purpose = f"FHIR read {resource_type}/{resource_id}"
            get_patient_for(user, patient.pk, purpose=purpose)
        return _served([(source, row)], user, resource_type)[0]
    raise Http404(NOT_FOUND.format(type=resource_type, id=resource_id))


@dataclass(frozen=True)
class Search:
    """A search as the API understood it: its filters, order, page size and where to resume."""

    # (parameter, value) for each occurrence: occurrences of one parameter must all match.
    filters: list[tuple[str, str]]
    count: int
    newest_first: bool = False
    cursor: str = ""
    total: bool = False


@dataclass(frozen=True)
class Page:
    resources: list[Resource]
    # Where the next page starts, or "" on the last page.
    next_cursor: str
    total: int | None


def search_resources(user: User, resource_type: str, wanted: Search) -> Page:
    """One page of the `resource_type` resources `user` may see that match `wanted`.

    Pages follow the rows' own numbers (or, newest first, when each last changed, then the
    number), and a page's cursor names the last row it showed: rows added while a client pages
    never shift what the next page holds. A page that shows patients is audited in one row
    naming them all.
    """
    served = served_type(user, resource_type)
    with transaction.atomic():
        # A record entered here gets its FHIR id on first sight, and keeps it.
        for source in served.sources:
            _assign_ids(user, source)
    total = None
    if wanted.total or wanted.count == 0:
        total = sum(_matching(user, source, wanted).count() for source in served.sources)
    rows: list[tuple[Source, Model]] = []
    for index, source in enumerate(served.sources):
        if len(rows) > wanted.count:
            break
        found = _page_rows(user, served, index, wanted)
        rows += [(source, row) for row in found[: wanted.count + 1 - len(rows)]]
    more = len(rows) > wanted.count
    rows = rows[: wanted.count]
    patients = [p for p in (_patient_of(row, source) for source, row in rows) if p is not None]
    audit_list_shown(by=user, patients=patients, summary=f"FHIR search {resource_type}")
    next_cursor = _cursor_of(served, rows[-1][1], rows[-1][0]) if more and rows else ""
    return Page(_served(rows, user, resource_type), next_cursor, total)


def _served(rows: list[tuple[Source, Any]], user: User, resource_type: str) -> list[Resource]:
    """The rows as FHIR, each made whole from what an import received, if it kept any, and
    with a narrative."""
    resources = [source.to_fhir(row) for source, row in rows]
    if any(source.received for source, _ in rows):
        kept = kept_for(user.clinic_id, resource_type, [r.get("id", "") for r in resources])
        resources = [with_received(kept, r) for r in resources]
    return [with_narrative(r) for r in resources]


def _assign_ids(user: User, source: Source) -> None:
    if source.patient is not None:
        assign_fhir_ids(patients_visible_to(user))
    if not source.assigns_ids:
        return
    assign_fhir_ids(source.rows(user).select_related(None).prefetch_related(None))
    if source.patient == "consultation__patient":
        # A treatment plan refers to its consultation's Encounter by FHIR id.
        visible = patients_visible_to(user)
        assign_fhir_ids(Consultation.objects.filter(patient__in=visible))


def _matching(user: User, source: Source, wanted: Search) -> Any:
    rows = source.rows(user)
    for name, value in wanted.filters:
        rows = rows.filter(source.filters[name](name, value))
    return rows


def _page_rows(user: User, served: Served, index: int, wanted: Search) -> list[Model]:
    """The rows of one source after the cursor, in page order, one more than a page."""
    source = served.sources[index]
    rows = _matching(user, source, wanted)
    if wanted.newest_first:
        column = served.last_updated
        assert column is not None  # the view offers this order only where there is one
        if wanted.cursor:
            moment, pk = _last_updated_cursor(wanted.cursor)
            rows = rows.filter(Q(**{f"{column}__lt": moment}) | Q(**{column: moment, "pk__lt": pk}))
        return list(rows.order_by(f"-{column}", "-pk")[: wanted.count + 1])
    if wanted.cursor:
        at, pk = _number_cursor(wanted.cursor)
        if index < at:
            return []
        if index == at:
            rows = rows.filter(pk__gt=pk)
    return list(rows.order_by("pk")[: wanted.count + 1])


def _cursor_of(served: Served, row: Model, source: Source) -> str:
    if served.last_updated is not None and len(served.sources) == 1:
        moment: dt.datetime = getattr(row, served.last_updated)
        return f"{served.sources.index(source)}~{row.pk}~{moment.isoformat()}"
    return f"{served.sources.index(source)}~{row.pk}"


def _number_cursor(cursor: str) -> tuple[int, int]:
    parts = cursor.split("~")
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[1]) > 18:
        raise BadSearch(BAD_CURSOR.format(cursor=cursor))
    return int(parts[0]), int(parts[1])


def _last_updated_cursor(cursor: str) -> tuple[dt.datetime, int]:
    _, pk = _number_cursor(cursor)
    parts = cursor.split("~")
    try:
        moment = dt.datetime.fromisoformat(parts[2]) if len(parts) == 3 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadSearch(BAD_CURSOR.format(cursor=cursor))
    return moment, pk


def _patient_of(row: Any, source: Source) -> Any:
    """The patient a row belongs to (itself for a Patient), or None for a clinic's own."""
    if source.patient is None:
        return None
    found = row
    for step in filter(None, source.patient.split("__")):
        found = getattr(found, step)
    return found
