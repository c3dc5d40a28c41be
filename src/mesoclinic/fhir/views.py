"""The FHIR R4 read API under /fhir/r4/: metadata, read and search; every error an OperationOutcome.

Nothing here changes a record: writes, HEAD and addresses we do not have answer with an
OperationOutcome and the status that goes with it, never a page.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from mesoclinic.accounts.models import Role, TokenScope
from mesoclinic.accounts.permissions import SignedInRequest, is_signed_in
from mesoclinic.accounts.tokens import token_for, token_use_audit
from mesoclinic.fhir.capability import capability_statement
from mesoclinic.fhir.domain import bulk_export_downloaded, bulk_export_start
from mesoclinic.fhir.models import BulkExport, BulkExportStatus
from mesoclinic.fhir.queries import (
    UNKNOWN_TYPE,
    Search,
    UnknownType,
    read_resource,
    search_resources,
)
from mesoclinic.fhir.search import BadSearch
from mesoclinic.fhir.served import SERVED, Served
from mesoclinic.fhir.tasks import EXPORTED_TYPES, PATIENT_TYPES, bulk_directory

FHIR_JSON = "application/fhir+json"
SIGN_IN = "Sign in, or send a staff member's API token as 'Authorization: Bearer <token>'."
BAD_TOKEN = "The API token is unknown or revoked; ask for a new one (mesoclinic api-token)."
READ_ONLY = "The FHIR API only reads: {method} is not allowed here; use GET."
NOT_JSON = "This server speaks FHIR JSON only (application/fhir+json); {what} asks for {given!r}."
NO_SUCH_ADDRESS = (
    "There is no {path!r} here: the FHIR API serves metadata, <Type>/<id> (read) and "
    "<Type>?<parameters> (search)."
)
UNKNOWN_PARAMETER = "Search parameter {name!r} is not supported on {type}; supported: {supported}."
BAD_SORT = "_sort={value!r} is not supported on {type}; {what}."
BAD_COUNT = "_count={value!r} is not a whole number from 0 to {most}."
BAD_TOTAL = "_total={value!r} is not one of none, estimate, accurate."
# The JSON media types a client may ask for.
JSON_TYPES = {"json", "application/json", "application/fhir+json", "*/*", "application/*"}
DEFAULT_COUNT = 50
MOST = 1000
# Parameters that shape the result rather than choose resources.
RESULT = ("_count", "_sort", "_total", "_cursor", "_format")

View = Callable[..., HttpResponseBase]


def fhir_response(document: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )


def outcome(status: int, code: str, text: str, severity: str = "error") -> HttpResponse:
    """An OperationOutcome saying what went wrong, with the HTTP status that goes with it."""
    issue = {"severity": severity, "code": code, "diagnostics": text}
    return fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)


def fhir_address(view: View) -> View:
    """Refuse every method but GET, and any format but JSON, as OperationOutcomes."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "GET":
            response = outcome(405, "not-supported", READ_ONLY.format(method=request.method))
            response["Allow"] = "GET"
            return response
        refused = _format_refused(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapped


def _format_refused(request: HttpRequest) -> HttpResponse | None:
    """406 for a `_format` or an Accept header that leaves no room for JSON."""
    given = request.GET.get("_format")
    if given is not None and given.split(";")[0].strip() not in JSON_TYPES:
        return outcome(406, "not-supported", NOT_JSON.format(what="_format", given=given))
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return None
    for media_range in accept.split(","):
        kind, *options = (part.strip() for part in media_range.split(";"))
        refused = any(o.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for o in options)
        if (kind in JSON_TYPES or kind.endswith("+json")) and not refused:
            return None
    return outcome(406, "not-supported", NOT_JSON.format(what="Accept", given=accept))


def fhir_endpoint(view: View) -> View:
    """Authenticate by session or bearer token, and turn refusals into OperationOutcomes."""

    @fhir_address
    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _bearer_refused(request)
        if refused is not None:
            return refused
        if not is_signed_in(request):
            return _unauthorised(SIGN_IN)
        try:
            return view(request, *args, **kwargs)
        except UnknownType as unknown:
            return outcome(404, "not-supported", str(unknown))
        except PermissionDenied as denied:
            return outcome(403, "forbidden", str(denied))
        except Http404 as missing:
            return outcome(404, "not-found", str(missing))
        except BadSearch as bad:
            return outcome(400, "invalid", str(bad))

    return wrapped


def _bearer_refused(request: HttpRequest) -> HttpResponse | None:
    """Sign in a bearer token's user (the use audited), or the refusal of a bad token."""
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("bearer "):
        return None
    token = token_for(authorization[len("bearer ") :])
    if token is None:
        return _unauthorised(BAD_TOKEN)
    if not token.allows(TokenScope.READ):
        return outcome(403, "forbidden", f"API token {token.prefix}… does not carry 'read'.")
    token_use_audit(token, request.method or "GET", request.get_full_path())
    request.user = token.user
    return None


def _unauthorised(text: str) -> HttpResponse:
    response = outcome(401, "login", text)
    response["WWW-Authenticate"] = 'Bearer realm="mesoclinic"'
    return response


def base_address(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/r4/")


@fhir_address
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: open to anyone, as clients read it before they sign in."""
    return fhir_response(capability_statement(base_address(request)))


@fhir_address
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """An address the FHIR API does not have."""
    return outcome(404, "not-found", NO_SUCH_ADDRESS.format(path=f"/fhir/r4/{rest}"))


@fhir_endpoint
def read(request: SignedInRequest, resource_type: str, resource_id: str) -> HttpResponse:
    """One resource."""
    return fhir_response(read_resource(request.user, resource_type, resource_id))


@fhir_endpoint
def search(request: SignedInRequest, resource_type: str) -> HttpResponse:
    """A searchset Bundle: one page of the matching resources, with `self` and `next` links."""
    if resource_type not in SERVED:
        raise UnknownType(UNKNOWN_TYPE.format(type=resource_type))
    kept, wanted, unknown_names = _understood(request, resource_type)
    if unknown_names and _strict(request):
        return outcome(400, "not-supported", unknown_names[0])
    page = search_resources(request.user, resource_type, wanted)
    base = base_address(request)
    address = f"{base}{resource_type}"
    links = [{"relation": "self", "url": f"{address}?{urlencode(kept)}"}]
    if page.next_cursor:
        following = [(k, v) for k, v in kept if k != "_cursor"] + [("_cursor", page.next_cursor)]
        links.append({"relation": "next", "url": f"{address}?{urlencode(following)}"})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if page.total is not None:
        bundle["total"] = page.total
    bundle["link"] = links
    entries = [
        {
            "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in page.resources
    ]
    if entries:
        bundle["entry"] = entries
    return fhir_response(bundle)


def _strict(request: HttpRequest) -> bool:
    """Whether the client asked for `Prefer: handling=strict`."""
    preferences = request.headers.get("Prefer", "").replace(",", ";").split(";")
    return any(p.replace(" ", "").lower() == "handling=strict" for p in preferences)


@dataclass
class _Reading:
    """The parameters of one search as they are read, one at a time."""

    served: Served
    kept: list[tuple[str, str]] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    newest_first: bool = False
    total: bool = False
    cursor: str = ""

    def read(self, name: str, value: str) -> None:
        if name in self.served.searchable:
            self.filters.append((name, value))
        elif name in RESULT:
            if not self._result(name, value):
                return
        else:
            supported = ", ".join([*self.served.searchable, *RESULT])
            type_ = self.served.resource_type
            self.left_out.append(
                UNKNOWN_PARAMETER.format(name=name, type=type_, supported=supported)
            )
            return
        self.kept.append((name, value))

    def _result(self, name: str, value: str) -> bool:
        """Read a parameter that shapes the result; False if it is left out."""
        if name == "_count":
            self.count = _count(value)
        elif name == "_sort":
            return self._sort(value)
        elif name == "_total":
            if value not in ("none", "estimate", "accurate"):
                raise BadSearch(BAD_TOTAL.format(value=value))
            self.total = value != "none"
        elif name == "_cursor":
            self.cursor = value
        return True

    def _sort(self, value: str) -> bool:
        if value == "-_lastUpdated" and self.served.last_updated is not None:
            self.newest_first = True
            return True
        what = "it sorts by -_lastUpdated only" if self.served.last_updated else "it has no _sort"
        type_ = self.served.resource_type
        self.left_out.append(BAD_SORT.format(value=value, type=type_, what=what))
        return False


def _understood(
    request: HttpRequest, resource_type: str
) -> tuple[list[tuple[str, str]], Search, list[str]]:
    """The parameters we act on (for the `self` link), the search, and why others were left out."""
    reading = _Reading(SERVED[resource_type])
    for name, values in request.GET.lists():
        for value in values:
            reading.read(name, value)
    count = ("_count", str(reading.count))
    kept = [count if k == "_count" else (k, v) for k, v in reading.kept]
    kept = list(dict.fromkeys(kept if count in kept else [*kept, count]))
    wanted = Search(
        reading.filters, reading.count, reading.newest_first, reading.cursor, reading.total
    )
    return kept, wanted, reading.left_out


def _count(value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise BadSearch(BAD_COUNT.format(value=value, most=MOST))
    # More than a page holds is given a page at a time: the links say so.
    return min(int(value), MOST)


# FHIR Bulk Data (v2): kick-off, status and files, for the clinic admin.
ADMIN_ONLY = "Only the clinic admin exports the clinic's records."
RESPOND_ASYNC = "A bulk export runs in the background: send 'Prefer: respond-async'."
NDJSON = ("application/fhir+ndjson", "application/ndjson", "ndjson")
BAD_OUTPUT_FORMAT = "_outputFormat={given!r} is not offered; this server writes NDJSON ({types})."
BAD_EXPORT_TYPE = "_type {given!r} is not exported at this level; it holds {types}."
BAD_EXPORT_PARAMETER = "{name} is not supported by this server's $export; it reads {supported}."
NO_EXPORT = "No bulk export {id} of yours."
NOT_READY = "Bulk export {id} is not finished: ask its status address."
NO_FILE = "Bulk export {id} wrote no {name}."
EXPORT_FAILED = "Bulk export {id} failed: {error}"


def _admin(request: SignedInRequest) -> None:
    if request.user.role != Role.ADMIN:
        raise PermissionDenied(ADMIN_ONLY)


@fhir_endpoint
def export_kickoff(request: SignedInRequest) -> HttpResponse:
    """`$export` (system level) or `Patient/$export` (the patients' compartments): 202 and the
    address of the export's status."""
    _admin(request)
    patient_level = request.path.rstrip("/").endswith("Patient/$export")
    allowed = PATIENT_TYPES if patient_level else EXPORTED_TYPES
    types = [t for value in request.GET.getlist("_type") for t in value.split(",") if t]
    refusal = _kickoff_refusal(request, types, allowed)
    if refusal:
        return outcome(400, "required" if refusal == RESPOND_ASYNC else "not-supported", refusal)
    job = bulk_export_start(
        clinic=request.user.clinic,
        by=request.user,
        request=request.build_absolute_uri(),
        types=types,
        patient_level=patient_level,
    )
    status = f"{base_address(request)}$export-status/{job.pk}"
    response = outcome(202, "informational", f"{job} started: see {status}", "information")
    response["Content-Location"] = status
    return response


def _kickoff_refusal(request: HttpRequest, types: list[str], allowed: tuple[str, ...]) -> str:
    """Why a kick-off cannot start, or "" if it can."""
    unknown = [name for name in request.GET if name not in ("_outputFormat", "_type")]
    if unknown:
        return BAD_EXPORT_PARAMETER.format(name=unknown[0], supported="_outputFormat, _type")
    output = request.GET.get("_outputFormat", NDJSON[0])
    if output not in NDJSON:
        return BAD_OUTPUT_FORMAT.format(given=output, types=", ".join(NDJSON))
    for given in types:
        if given not in allowed:
            return BAD_EXPORT_TYPE.format(given=given, types=", ".join(allowed))
    if "respond-async" not in request.headers.get("Prefer", ""):
        return RESPOND_ASYNC
    return ""


def _job(request: SignedInRequest, export_id: int) -> BulkExport:
    _admin(request)
    job = BulkExport.objects.filter(pk=export_id, clinic_id=request.user.clinic_id).first()
    if job is None:
        raise Http404(NO_EXPORT.format(id=export_id))
    return job


@fhir_endpoint
def export_status(request: SignedInRequest, export_id: int) -> HttpResponse:
    """202 while the export runs; then the manifest of its files, or why it failed."""
    job = _job(request, export_id)
    if job.status == BulkExportStatus.RUNNING:
        response = HttpResponse(status=202)
        response["X-Progress"] = "running"
        response["Retry-After"] = "2"
        return response
    if job.status == BulkExportStatus.FAILED:
        return outcome(500, "exception", EXPORT_FAILED.format(id=job.pk, error=job.error))
    assert job.finished_at is not None  # a finished export
    files = f"{base_address(request)}$export-file/{job.pk}/"
    manifest = {
        "transactionTime": job.finished_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "request": job.request,
        "requiresAccessToken": True,
        "output": [
            {"type": t, "url": f"{files}{t}.ndjson", "count": n} for t, n in job.counts.items()
        ],
        "error": [],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/json")


@fhir_endpoint
def export_file(request: SignedInRequest, export_id: int, file_name: str) -> FileResponse:
    """One file of a finished export, as NDJSON; each download audited."""
    job = _job(request, export_id)
    if job.status != BulkExportStatus.DONE:
        raise Http404(NOT_READY.format(id=job.pk))
    resource_type = file_name.removesuffix(".ndjson")
    path = bulk_directory(job.pk) / f"{resource_type}.ndjson"
    if resource_type not in job.counts or not path.is_file():
        raise Http404(NO_FILE.format(id=job.pk, name=file_name))
    bulk_export_downloaded(export=job, by=request.user, file_name=file_name)
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
