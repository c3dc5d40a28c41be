"""The clinic admin's view of the audit trail."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from mesoclinic.accounts.permissions import SignedInRequest, admin_required
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.audit.queries import naming

PAGE_SIZE = 50


@admin_required
def event_list(request: SignedInRequest) -> HttpResponse:
    events = AuditEvent.objects.filter(clinic=request.user.clinic)
    action = request.GET.get("action", "")
    if action in Action.values:
        events = events.filter(action=action)
    patient = request.GET.get("patient", "")
    if patient.isdigit():
        events = events.filter(naming(int(patient)))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "actions": Action.choices, "action": action, "patient": patient}
    return render(request, "audit/event_list.html", context)
