"""The clinic admin's audit trail, in the clinic's words: who, did what, to which patient, when.

Composed here, above the apps, because it names the people and patients the events are about.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mesoclinic.accounts.permissions import SignedInRequest, admin_required
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.audit.queries import naming
from mesoclinic.patients.models import Patient

PAGE_SIZE = 50
DID = {
    Action.READ: "viewed",
    Action.CREATE: "added",
    Action.UPDATE: "changed",
    Action.DELETE: "removed",
    Action.LOGIN: "signed in",
    Action.LOGIN_FAILED: "failed to sign in",
    Action.LOGOUT: "signed out",
    Action.EXPORT: "exported",
    Action.IMPORT: "imported",
    Action.DENIED: "was refused",
}
# Sign-ins and sign-outs are about the person themselves: no record is named.
ABOUT_THEMSELVES = {Action.LOGIN, Action.LOGIN_FAILED, Action.LOGOUT}


@dataclass(frozen=True)
class Line:
    """One event as the clinic says it."""

    event: AuditEvent
    who: str
    did: str
    record: str
    patient: Patient | None


def record_in_words(object_type: str) -> str:
    """ "patients.Patient" → "patient"; a type no longer known keeps its label."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _who(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return event.actor_label or "The system"
    return f"{actor} ({actor.get_role_display().lower()})"


@admin_required
def event_list(request: SignedInRequest) -> HttpResponse:
    events = AuditEvent.objects.filter(clinic=request.user.clinic).select_related("actor")
    action = request.GET.get("action", "")
    if action in Action.values:
        events = events.filter(action=action)
    patient = request.GET.get("patient", "")
    if patient.isdigit() and len(patient) < 19:
        events = events.filter(naming(int(patient)))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = {e.patient_id for e in page.object_list if e.patient_id is not None}
    named = Patient.objects.filter(clinic=request.user.clinic, pk__in=ids).in_bulk() if ids else {}
    audit_list_shown(by=request.user, patients=named.values(), summary="audit trail")
    lines = [
        Line(
            event,
            _who(event),
            DID.get(Action(event.action), event.action),
            "" if event.action in ABOUT_THEMSELVES else record_in_words(event.object_type),
            named.get(event.patient_id) if event.patient_id is not None else None,
        )
        for event in page.object_list
    ]
    context = {
        "page": page,
        "lines": lines,
        "actions": Action.choices,
        "action": action,
        "patient": patient,
    }
    return render(request, "audit/event_list.html", context)
