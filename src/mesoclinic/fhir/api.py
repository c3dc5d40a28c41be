"""The FHIR import endpoint of the JSON API: POST NDJSON or a Bundle, into the user's clinic."""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from mesoclinic.accounts.models import CLINICAL_ROLES
from mesoclinic.accounts.permissions import api_user_with_role
from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.sources import Source

router = Router(tags=["fhir"])
CLINICAL_STAFF_ONLY = "Only a clinic admin or a practitioner may import clinical records."
TOO_BIG = (
    "The upload is larger than the server accepts ({limit} bytes, DATA_UPLOAD_MAX_MEMORY_SIZE): "
    "split it, or import the files with `mesoclinic import-fhir`."
)
NDJSON_TYPES = ("application/fhir+ndjson", "application/x-ndjson", "application/ndjson")


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
)
def import_resources(request: HttpRequest) -> dict[str, Any]:
    """Import the request body; the answer is the report: imported, updated, unchanged, rejected."""
    user = api_user_with_role(request, CLINICAL_ROLES, CLINICAL_STAFF_ONLY)
    ndjson = True if request.content_type in NDJSON_TYPES else None
    try:
        text = request.body.decode("utf-8", errors="replace")
    except RequestDataTooBig:
        raise HttpError(413, TOO_BIG.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)) from None
    report = fhir_import(
        clinic=user.clinic, by=user, sources=[Source("request body", text, ndjson)]
    )
    return report.as_json()
