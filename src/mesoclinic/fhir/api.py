"""The FHIR import endpoint of the JSON API: POST NDJSON or a Bundle, into the user's clinic."""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from mesoclinic.accounts.models import CLINICAL_ROLES, TokenScope
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.api_errors import errors
from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.sources import Source, decoded

router = Router(tags=["fhir"])
CLINICAL_STAFF_ONLY = "Only a clinic admin or a practitioner may import clinical records."
TOO_BIG = (
    "The upload is larger than the server accepts ({limit} bytes, DATA_UPLOAD_MAX_MEMORY_SIZE): "
    "split it, or import the files with `mesoclinic import-fhir`."
)
NDJSON_TYPES = ("application/fhir+ndjson", "application/x-ndjson", "application/ndjson")
JSON_TYPES = ("application/fhir+json", "application/json")
WRONG_TYPE = (
    "The body's Content-Type is {given!r}: send application/fhir+ndjson (bulk NDJSON) or "
    "application/fhir+json (a Bundle or a resource)."
)
EMPTY_BODY = "The body is empty: send the resources to import."
NOT_AN_OBJECT = "An application/fhir+json body is one resource or Bundle: a JSON object."


# The body is read raw, so the schema is declared here for the OpenAPI document.
BODY = {
    "required": True,
    "content": {
        "application/fhir+ndjson": {"schema": {"type": "string"}},
        "application/fhir+json": {"schema": {"type": "object"}},
    },
}


@router.post(
    "/import",
    summary="Import FHIR R4 resources (bulk NDJSON, a Bundle or a resource)",
    openapi_extra={"requestBody": BODY},
    response={200: dict[str, Any], **errors(413, 415, 422)},
)
def import_resources(request: HttpRequest) -> Status[dict[str, Any]]:
    """Import the request body; the answer is the report: imported, updated, unchanged, rejected.

    A body of which every resource was rejected answers 422, its `detail` the rejected lines.
    """
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_STAFF_ONLY, scope=TokenScope.IMPORT)
    document = fhir_import(clinic=user.clinic, by=user, sources=[_body_source(request)]).as_json()
    kept = any(document[name] for name in ("imported", "updated", "unchanged"))
    if document["rejected"] and not kept:
        return Status(422, {"detail": document["rejected"]})
    return Status(200, document)


def _body_source(request: HttpRequest) -> Source:
    """The body as a source to import, or the refusal of a body that cannot be one."""
    if request.content_type not in (*NDJSON_TYPES, *JSON_TYPES):
        raise HttpError(415, WRONG_TYPE.format(given=request.content_type))
    try:
        text = decoded(request.body)
    except RequestDataTooBig:
        raise HttpError(413, TOO_BIG.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)) from None
    if not text.strip():
        raise HttpError(400, EMPTY_BODY)
    ndjson = request.content_type in NDJSON_TYPES
    if not ndjson and not text.lstrip().startswith("{"):
        raise HttpError(400, NOT_AN_OBJECT)
    return Source("request body", text, ndjson)
