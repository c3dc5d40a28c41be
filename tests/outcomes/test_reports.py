"""Every report's figures on the hand-built clinic of tests/outcomes/dataset.py, whose answers
were worked out by hand first; the patients behind a figure (audited); CSV; who may see them."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from tests.outcomes.dataset import build

JANUARY = {"start": "2027-01-01", "end": "2027-01-31"}


@pytest.fixture
def clinic(harbour, riverside, paula, alice):
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        yield build(harbour, riverside, paula, alice)


def figures(client, name, **query):
    """{table title: {figure: (value, note, stands out)}} as the report page shows them."""
    response = client.get(reverse("outcomes:report", args=[name]), {**JANUARY, **query})
    assert response.status_code == 200
    return {
        chart.title: {bar.label: (bar.value, bar.note, bar.stands_out) for bar in chart.bars}
        for chart in response.context["charts"]
    }


def test_courses_started_completed_abandoned(client_for, clinic, alice, paula):
    client = client_for(alice)
    assert figures(client, "courses") == {
        "Courses": {
            "Started": (3, "", False),
            "Completed": (1, "", False),
            "Abandoned": (1, "", False),
            "Active": (1, "", False),
        }
    }
    mine = figures(client, "courses", practitioner=paula.practitioner.pk)["Courses"]
    assert {label: value for label, (value, _, _) in mine.items()} == {
        "Started": 2,
        "Completed": 1,
        "Abandoned": 1,
        "Active": 0,
    }


def test_no_shows_of_appointments_due(client_for, clinic, alice):
    assert figures(client_for(alice), "no-shows") == {
        "No-shows": {
            "Consultations": (100.0, "1 of 1", False),
            "Sessions": (20.0, "1 of 5", False),
        }
    }


def test_gais_by_protocol_practitioner_and_product(client_for, clinic, alice):
    assert figures(client_for(alice), "gais") == {
        "GAIS by protocol": {
            "ref-000 · patient · 3": (1, "", False),
            "standard · patient · 1": (1, "", False),
            "standard · practitioner · 2": (1, "", False),
        },
        "GAIS by practitioner": {
            "Pike · patient · 1": (1, "", False),
            "Pike · patient · 3": (1, "", False),
            "Pike · practitioner · 2": (1, "", False),
        },
        "GAIS by product": {
            "Hyaluronic · patient · 1": (1, "", False),
            "Hyaluronic · practitioner · 2": (1, "", False),
        },
    }


def test_side_effects_per_100_sessions_and_the_lot_that_stands_out(client_for, clinic, alice):
    assert figures(client_for(alice), "side-effects") == {
        "Side effects per 100 sessions (4 sessions)": {
            "bruising · review": (25.0, "1", False),
            "nodules · urgent": (25.0, "1", False),
            "redness · expected": (25.0, "1", False),
        },
        "Urgent side effects per 100 sessions, by product and lot": {
            "Hyaluronic": (25.0, "1 urgent in 4 sessions", False),
            "Hyaluronic lot H1": (0.0, "0 urgent in 3 sessions", False),
            "Hyaluronic lot H2": (100.0, "1 urgent in 1 sessions", True),
        },
    }


def test_follow_up_response_times(client_for, clinic, alice):
    assert figures(client_for(alice), "follow-up") == {
        "Follow-up: hours to acknowledge": {
            "Urgent": (2.5, "1 acknowledged, 0 waiting", False),
            "Review": (24.0, "1 acknowledged, 0 waiting", False),
        }
    }


def test_screening_outcomes_and_overrides(client_for, clinic, alice):
    assert figures(client_for(alice), "screening") == {
        "Screening at booking": {
            "caution": (1, "1 overridden", False),
            "caution · overridden": (1, "", False),
            "clear": (2, "", False),
        }
    }


def test_another_clinic_sees_only_its_own(client_for, clinic, charlie):
    client = client_for(charlie)
    assert figures(client, "courses")["Courses"]["Started"][0] == 1
    assert figures(client, "no-shows") == {"No-shows": {"Sessions": (100.0, "1 of 1", False)}}
    assert figures(client, "gais")["GAIS by protocol"] == {"standard · patient · 5": (1, "", False)}


@pytest.mark.parametrize(
    ("name", "key", "patients"),
    [
        ("courses", "completed", ["Ann"]),
        ("courses", "started", ["Ann", "Ben", "Cleo"]),
        ("no-shows", "session", ["Cleo"]),
        ("gais", "protocol|standard|patient|1", ["Ann"]),
        ("side-effects", "lot|{H2}", ["Ann"]),
        ("side-effects", "effect|redness|expected", ["Ben"]),
        ("follow-up", "triage|review", ["Cleo"]),
        ("screening", "override|caution", ["Ben"]),
    ],
)
def test_each_figure_links_to_its_patients_audited(client_for, clinic, alice, name, key, patients):
    key = key.format(H2=clinic["lots"]["H2"].pk)
    response = client_for(alice).get(
        reverse("outcomes:report-patients", args=[name]), {**JANUARY, "key": key}
    )
    assert [p.given_name for p in response.context["patients"]] == patients
    audited = AuditEvent.objects.filter(actor=alice, summary=f"report {name}: {key}")
    assert sorted(audited.values_list("patient_id", flat=True)) == sorted(
        clinic["people"][given].pk for given in patients
    )


def test_the_patients_behind_a_figure_come_a_page_at_a_time(client_for, clinic, alice, monkeypatch):
    monkeypatch.setattr("mesoclinic.outcomes.report_views.PATIENTS_PER_PAGE", 2)
    client = client_for(alice)
    url = reverse("outcomes:report-patients", args=["courses"])
    first = client.get(url, {**JANUARY, "key": "started"})
    second = client.get(url, {**JANUARY, "key": "started", "page": "2"})
    assert [p.given_name for p in first.context["patients"]] == ["Ann", "Ben"]
    assert [p.given_name for p in second.context["patients"]] == ["Cleo"]
    assert "Patients 1–2 of 3." in first.content.decode()
    assert 'href="?start=2027-01-01&amp;end=2027-01-31&amp;key=started&amp;page=2">Next' in (
        first.content.decode()
    )
    # Only the patients a page showed are audited as shown by it.
    audited = AuditEvent.objects.filter(actor=alice, summary="report courses: started")
    shown = [clinic["people"][given].pk for given in ("Ann", "Ben", "Cleo")]
    assert sorted(audited.values_list("patient_id", flat=True)) == sorted(shown)


# The session, the user, the clinic, the practitioners for the filter, the count, the page of
# patients, the audit's insert: the same for a figure of one more patient as of three.
@pytest.mark.parametrize("more", [1, 3])
def test_the_patients_behind_a_figure_take_a_constant_number_of_queries(
    client_for, clinic, alice, more, django_assert_num_queries
):
    clinic["grow"](more)
    client = client_for(alice)
    url = reverse("outcomes:report-patients", args=["courses"])
    with django_assert_num_queries(7):
        response = client.get(url, {**JANUARY, "key": "started"})
    assert len(response.context["patients"]) == 3 + more


def test_the_figures_link_to_their_patients_from_the_chart(client_for, clinic, alice):
    page = client_for(alice).get(reverse("outcomes:report", args=["courses"]), JANUARY)
    assert "/clinic/reports/courses/patients/?key=completed&amp;start=2027-01-01" in (
        page.content.decode()
    )


def test_a_report_as_csv(client_for, clinic, alice):
    response = client_for(alice).get(reverse("outcomes:report-csv", args=["no-shows"]), JANUARY)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["table", "figure", "value", "unit", "count", "note", "stands out"],
        ["No-shows", "Consultations", "100.0", "% of appointments due", "1", "1 of 1", "False"],
        ["No-shows", "Sessions", "20.0", "% of appointments due", "1", "1 of 5", "False"],
    ]


def test_a_range_ending_before_it_starts_is_refused(client_for, clinic, alice):
    response = client_for(alice).get(
        reverse("outcomes:report", args=["courses"]), {"start": "2027-02-01", "end": "2027-01-01"}
    )
    assert "The range ends on 01 Jan 2027, before it starts on 01 Feb 2027." in (
        response.content.decode()
    )
    assert response.context["charts"] == []


def test_another_clinics_practitioner_is_no_filter(client_for, clinic, alice):
    pierre = clinic["courses"][4].sessions.get().practitioner
    response = client_for(alice).get(
        reverse("outcomes:report", args=["courses"]), {**JANUARY, "practitioner": pierre.pk}
    )
    assert response.context["charts"] == []
    assert "Select a valid choice" in response.content.decode()


def test_reception_sees_no_clinical_report(client_for, clinic, rita):
    client = client_for(rita)
    for name in ("courses", "gais", "side-effects"):
        assert client.get(reverse("outcomes:report", args=[name])).status_code == 403
        assert client.get(reverse("outcomes:report-csv", args=[name])).status_code == 403


# The session, the user, the clinic, the practitioners for the filter, then the report's own
# reads (one for most; three for GAIS, one per grouping; seven for side effects: the sessions,
# the reports, the lots' and the products' sessions, the lots' and the products' urgent reports,
# the lots' names): the same on the hand-built clinic with one more patient as with three.
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("courses", 5),
        ("no-shows", 5),
        ("gais", 7),
        ("side-effects", 11),
        ("follow-up", 5),
        ("screening", 5),
    ],
)
@pytest.mark.parametrize("more", [1, 3])
def test_each_report_answers_in_a_constant_number_of_queries(
    client_for, clinic, alice, name, queries, more, django_assert_num_queries
):
    clinic["grow"](more)
    client = client_for(alice)
    with django_assert_num_queries(queries):
        response = client.get(reverse("outcomes:report", args=[name]), JANUARY)
    assert response.context["charts"]
