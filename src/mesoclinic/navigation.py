"""The navigation each role sees, in one place so pages and tests agree."""

from typing import Any, NamedTuple

from django.http import HttpRequest
from django.urls import reverse

from mesoclinic.accounts.middleware import needs_second_factor
from mesoclinic.accounts.models import Role


class NavItem(NamedTuple):
    label: str
    url_name: str
    roles: frozenset[Role]


ADMIN = frozenset({Role.ADMIN})
CLINICAL = frozenset({Role.ADMIN, Role.PRACTITIONER})
STAFF = frozenset({Role.ADMIN, Role.PRACTITIONER, Role.RECEPTION})
CLINICAL = frozenset({Role.ADMIN, Role.PRACTITIONER})
PATIENT = frozenset({Role.PATIENT})

NAVIGATION = [
    NavItem("Dashboard", "home", STAFF | PATIENT),
    NavItem("Before your sessions", "portal:sessions", PATIENT),
    NavItem("Aftercare", "portal:aftercare", PATIENT),
    NavItem("Report a side effect", "portal:side-effect-new", PATIENT),
    NavItem("Reminders", "portal:reminders", PATIENT),
    NavItem("Your results", "outcomes-portal:outcomes", PATIENT),
    NavItem("Before and after", "outcomes-portal:before-after", PATIENT),
    NavItem("Patients", "patients:search", STAFF),
    NavItem("Calendar", "scheduling:calendar", STAFF),
    NavItem("Follow-up", "followup:inbox", CLINICAL),
    NavItem("Recalls", "outcomes:recalls", STAFF),
    NavItem("Reports", "outcomes:reports", CLINICAL),
    NavItem("Screening mappings", "patients:mappings", CLINICAL),
    NavItem("Products", "inventory:products", CLINICAL),
    NavItem("Consent texts", "treatments:consent-texts", ADMIN),
    NavItem("Rooms", "clinics:rooms", ADMIN),
    NavItem("Practitioners", "clinics:practitioners", ADMIN),
    NavItem("Opening hours", "clinics:opening-hours", ADMIN),
    NavItem("Staff", "accounts:staff", ADMIN),
    NavItem("Clinic settings", "accounts:clinic-settings", ADMIN),
    NavItem("Outgoing email", "accounts:emails", ADMIN),
    NavItem("Audit trail", "audit:events", ADMIN),
    NavItem("My sign-in", "accounts:security", STAFF),
]


def nav_for(role: str) -> list[dict[str, str]]:
    """The navigation links for `role`, in display order."""
    return [
        {"label": item.label, "url": reverse(item.url_name)}
        for item in NAVIGATION
        if role in item.roles
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: the signed-in user's navigation."""
    user = request.user
    # Until the second step of sign-in is done, every link would lead back to it.
    if not user.is_authenticated or needs_second_factor(user):
        return {"nav_items": []}
    return {"nav_items": nav_for(user.role), "current_path": request.path}
