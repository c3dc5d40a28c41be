"""The demo's outcomes, on whatever day it is loaded: every report shows data, Grace sees her
before and after, the inbox holds one urgent report, Ruth is due for her recall."""

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import default_storage
from PIL import Image

from mesoclinic.accounts.models import User
from mesoclinic.demo import demo_load
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.followup.queries import inbox_reports
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.outcomes.queries import before_after, recalls_due
from mesoclinic.outcomes.reports import REPORTS, Scope, report_tables
from mesoclinic.patients.models import Patient
from mesoclinic.treatments.models import ChartPoint, TreatmentSession

# A Wednesday afternoon, and a day in next year's spring.
DAYS = [
    dt.datetime(2026, 12, 2, 13, tzinfo=dt.UTC),
    dt.datetime(2027, 4, 15, 10, tzinfo=dt.UTC),
]


@pytest.fixture
def demo(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(request.param, tick=False):
        demo_load()
        demo_load()
        yield request.param


@pytest.mark.django_db
@pytest.mark.parametrize("demo", DAYS, indirect=True)
def test_every_report_shows_data_on_the_demo(demo):
    admin = User.objects.get(username="admin")
    harbour = admin.clinic
    scope = Scope(harbour, demo - dt.timedelta(days=365), demo + dt.timedelta(days=1))
    empty = [
        (name, table.title)
        for name in REPORTS
        for table in report_tables(scope, name)
        if not table.rows
    ]
    assert empty == []
    counted = {
        row.key: row.count
        for table in report_tables(scope, "courses") + report_tables(scope, "no-shows")
        for row in table.rows
    }
    # Grace's, Ruth's and Hana's courses; Ruth's missed consultation.
    assert (counted["completed"], counted["consultation"]) == (3, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("demo", DAYS, indirect=True)
def test_the_demo_charts_photographs_scores_follows_and_recalls(demo):
    admin = User.objects.get(username="admin")
    grace = Patient.objects.get(user__username="patient")
    signed = TreatmentSession.objects.filter(clinic=admin.clinic, signed_at__isnull=False)
    assert signed.count() == signed.filter(appointment__start__lt=demo).count() >= 15
    assert not ChartPoint.objects.filter(session__in=signed).filter(lot__isnull=True).exists()
    pairs = before_after(grace)
    assert [p.view for p in pairs] == ["front", "left-45"]
    for pair in pairs:
        with default_storage.open(pair.latest.image) as image:
            assert Image.open(image).size == (480, 640)
    assert set(GaisScore.objects.filter(patient=grace).values_list("rater", flat=True)) == {
        "practitioner",
        "patient",
    }
    reports = SideEffectReport.objects.filter(clinic=admin.clinic)
    assert set(reports.values_list("triage", flat=True)) == {"expected", "review", "urgent"}
    inbox = inbox_reports(admin, demo.date())
    assert [(r.patient, r.triage) for r in inbox] == [(grace, "urgent")]
    assert [r.patient.given_name for r in recalls_due(admin, demo)] == ["Ruth"]
