"""A short generated narrative for every resource that leaves without one (R4 dom-6).

One line of XHTML: the type, what it is, its status, its date and whose it is, taken from the
resource's own elements, so the narrative never says more than the data does. A resource that
came with a narrative keeps its own.
"""

from html import escape
from typing import Any

Resource = dict[str, Any]
XHTML = "http://www.w3.org/1999/xhtml"
# Elements that say what a resource is, most telling first.
WHAT = (
    "name",
    "code",
    "medicationCodeableConcept",
    "title",
    "description",
    "appointmentType",
    "type",
)
STATUS = ("clinicalStatus", "status")
WHEN = (
    "birthDate",
    "onsetDateTime",
    "effectiveDateTime",
    "effectiveInstant",
    "authoredOn",
    "recordedDate",
    "start",
    "created",
    "date",
)
WHOSE = ("subject", "patient")
# Elements that stay ahead of the narrative, in R4's own order.
BEFORE = ("resourceType", "id", "meta", "implicitRules", "language")


def with_narrative(resource: Resource) -> Resource:
    """`resource` with a generated `text` after its id and meta, unless it has one."""
    if "text" in resource:
        return resource
    parts = [f"<b>{escape(resource['resourceType'])}</b>"]
    parts += [escape(part) for part in _parts(resource) if part]
    div = f'<div xmlns="{XHTML}"><p>' + " · ".join(parts) + "</p></div>"
    narrated = {key: resource[key] for key in BEFORE if key in resource}
    narrated["text"] = {"status": "generated", "div": div}
    # The elements already placed keep their places: the rest follow in the resource's order.
    narrated.update(resource)
    return narrated


def _parts(resource: Resource) -> list[str]:
    what = next((_said(resource[k]) for k in WHAT if k in resource), "")
    status = next((_said(resource[k]) for k in STATUS if k in resource), "")
    when = next((str(resource[k]) for k in WHEN if k in resource), "")
    period = resource.get("period") or resource.get("effectivePeriod") or {}
    when = when or str(period.get("start", ""))
    whose = next((_said(resource[k]) for k in WHOSE if k in resource), "")
    return [what, status, when, f"for {whose}" if whose else ""]


def _said(value: Any) -> str:
    """A value in words: a name, a concept's text or first coding, a reference's display."""
    if isinstance(value, list):
        return _said(value[0]) if value else ""
    if not isinstance(value, dict):
        return str(value)
    if "reference" in value or "display" in value:
        return str(value.get("display") or value.get("reference", ""))
    if "coding" in value or "text" in value:
        codings = value.get("coding") or [{}]
        return str(value.get("text") or codings[0].get("display") or codings[0].get("code", ""))
    if "family" in value or "given" in value:
        return " ".join([*value.get("given", []), value.get("family", "")]).strip()
    return ""
