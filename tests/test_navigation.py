"""Each role sees its own dashboard and navigation."""

import pytest
from django.urls import reverse

from mesoclinic.navigation import nav_for

EXPECTED_NAV = {
    "admin": [
        "Dashboard",
        "Patients",
        "Calendar",
        "Follow-up",
        "Recalls",
        "Reports",
        "Screening mappings",
        "Products",
        "Consent texts",
        "Rooms",
        "Practitioners",
        "Opening hours",
        "Staff",
        "Clinic settings",
        "Outgoing email",
        "Audit trail",
        "My sign-in",
    ],
    "practitioner": [
        "Dashboard",
        "Patients",
        "Calendar",
        "Follow-up",
        "Recalls",
        "Reports",
        "Screening mappings",
        "Products",
        "My sign-in",
    ],
    "reception": ["Dashboard", "Patients", "Calendar", "Recalls", "My sign-in"],
    "patient": [
        "Dashboard",
        "Before your sessions",
        "Aftercare",
        "Report a side effect",
        "Reminders",
        "Your results",
        "Before and after",
    ],
}


@pytest.mark.parametrize(("role", "labels"), EXPECTED_NAV.items())
def test_navigation_per_role(db, role, labels):
    assert [item["label"] for item in nav_for(role)] == labels


@pytest.mark.parametrize(
    ("who", "template", "heading"),
    [
        ("alice", "dashboard/admin.html", "Clinic admin dashboard"),
        ("paula", "dashboard/practitioner.html", "Practitioner dashboard"),
        ("rita", "dashboard/reception.html", "Reception dashboard"),
    ],
)
def test_staff_dashboard_per_role(db, client_for, request, who, template, heading):
    response = client_for(request.getfixturevalue(who)).get(reverse("home"))
    assert response.templates[0].name == template
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_patient_sees_their_portal_dashboard(client_for, pat):
    response = client_for(pat.user).get(reverse("home"))
    assert response.templates[0].name == "dashboard/patient.html"


def test_home_shows_login_page_to_visitors(client, db):
    response = client.get("/")
    assert (response.status_code, response.templates[0].name) == (200, "registration/login.html")
