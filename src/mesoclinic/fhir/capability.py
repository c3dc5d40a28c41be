"""The CapabilityStatement: exactly the types, interactions and search parameters the API serves.

It is written from the registry the searches themselves use (`served.SERVED`), so it cannot list
a parameter the API ignores.
"""

from typing import Any

from mesoclinic.fhir.served import SERVED, Served

# The day this statement's content last changed (R4 requires a date); a product decision, moved
# when the API changes.
STATEMENT_DATE = "2026-11-30"
XHTML = "http://www.w3.org/1999/xhtml"
RESULT_PARAMETERS = (
    "_count (page size, 50 unless asked, at most 1000; 0 gives the total only), "
    "_total=accurate (the number of matches), _sort=-_lastUpdated (newest change first, where "
    "_lastUpdated is listed), and the next links' _cursor. Pages follow a cursor, so records "
    "added while a client pages never shift a page. A parameter not listed is left out of the "
    "self link, or refused with Prefer: handling=strict."
)
BULK_DATA = "http://hl7.org/fhir/uv/bulkdata"
BULK_EXPORT = (
    "$export and Patient/$export (FHIR Bulk Data): the clinic admin's token, 'Prefer: "
    "respond-async'; _type and _outputFormat (NDJSON) are read. The answer's Content-Location "
    "is the status address; the manifest lists one NDJSON file per type."
)
SECURITY = (
    "Staff send their API token as 'Authorization: Bearer <token>' (mesoclinic api-token); a "
    "signed-in session works too. Reception reads Patient, Appointment, Practitioner and "
    "Location; a patient reads their own record."
)


def capability_statement(base: str) -> dict[str, Any]:
    """A valid R4 CapabilityStatement for the server at `base`."""
    return {
        "resourceType": "CapabilityStatement",
        "id": "mesoclinic",
        "text": {
            "status": "generated",
            "div": f'<div xmlns="{XHTML}"><p>mesoclinic FHIR R4 read API: '
            + ", ".join(SERVED)
            + ".</p></div>",
        },
        "name": "MesoclinicReadApi",
        "title": "mesoclinic FHIR R4 read API",
        "status": "active",
        "date": STATEMENT_DATE,
        "publisher": "mesoclinic",
        "kind": "instance",
        "software": {"name": "mesoclinic"},
        "implementation": {"description": "The clinic's records, read only", "url": base},
        "instantiates": [f"{BULK_DATA}/CapabilityStatement/bulk-data"],
        "fhirVersion": "4.0.1",
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": RESULT_PARAMETERS,
                "security": {"cors": False, "description": SECURITY},
                "resource": [_resource(served) for served in SERVED.values()],
                "operation": [
                    {
                        "name": "export",
                        "definition": f"{BULK_DATA}/OperationDefinition/export",
                        "documentation": BULK_EXPORT,
                    }
                ],
            }
        ],
    }


def _resource(served: Served) -> dict[str, Any]:
    return {
        "type": served.resource_type,
        "profile": f"http://hl7.org/fhir/StructureDefinition/{served.resource_type}",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "searchParam": [
            {
                "name": param.name,
                "definition": param.definition,
                "type": param.type,
                "documentation": param.documentation,
            }
            for param in served.params
        ],
    }
