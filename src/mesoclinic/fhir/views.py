"""The FHIR R4 read API: `/fhir/r4/<Type>/<id>` and `/fhir/r4/<Type>?patient=<id>`."""

import json
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from mesoclinic.accounts.models import TokenScope
from mesoclinic.accounts.permissions import (
    Arguments,
    SignedInRequest,
    SignedInView,
    View,
    is_signed_in,
)
from mesoclinic.accounts.tokens import token_for, token_use_audit
from mesoclinic.fhir.queries import UnknownType, read_resource, search_resources

FHIR_JSON = "application/fhir+json"
SIGN_IN = "Sign in, or send a staff member's API token as 'Authorization: Bearer <token>'."
BAD_TOKEN = "The API token is unknown or revoked; ask for a new one (mesoclinic api-token)."
SEARCH_NEEDS_PATIENT = "Search by patient: add ?patient=<Patient id> to the address."


def fhir_response(document: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )


def outcome(status: int, code: str, text: str) -> HttpResponse:
    """An OperationOutcome saying what went wrong, with the HTTP status that goes with it."""
    issue = {"severity": "error", "code": code, "diagnostics": text}
    return fhir_response({"resourceType": "OperationOutcome", "issue": [issue]}, status)


def fhir_endpoint(view: SignedInView[Arguments]) -> View[Arguments]:
    """Authenticate by session or bearer token, and turn refusals into OperationOutcomes."""

    @wraps(view)
    def wrapped(
        request: HttpRequest, /, *args: Arguments.args, **kwargs: Arguments.kwargs
    ) -> HttpResponse:
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


@require_GET
@fhir_endpoint
def read(request: SignedInRequest, resource_type: str, resource_id: str) -> HttpResponse:
    """One resource."""
    return fhir_response(read_resource(request.user, resource_type, resource_id))


@require_GET
@fhir_endpoint
def search(request: SignedInRequest, resource_type: str) -> HttpResponse:
    """A searchset Bundle of one patient's resources of one type."""
    patient = request.GET.get("patient") or request.GET.get("subject") or request.GET.get("_id")
    if not patient:
        return outcome(400, "required", SEARCH_NEEDS_PATIENT)
    resources = search_resources(request.user, resource_type, patient)
    base = request.build_absolute_uri("/fhir/r4/")
    entries = [
        {
            "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(entries)}
    return fhir_response({**bundle, "entry": entries} if entries else bundle)
