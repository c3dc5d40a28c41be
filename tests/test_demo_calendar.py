"""The demo looks lived in on whatever day it is loaded: appointments today, a full week,
courses at every stage, patients with phones."""

import datetime as dt

import pytest
import time_machine

from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.demo import demo_load
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, Course

# A Wednesday afternoon, a Sunday morning and a day in next year's spring.
DAYS = [
    dt.datetime(2026, 12, 2, 13, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 6, 8, tzinfo=dt.UTC),
    dt.datetime(2027, 4, 15, 10, tzinfo=dt.UTC),
]


@pytest.mark.django_db
@pytest.mark.parametrize("now", DAYS)
def test_the_demo_is_lived_in_on_any_day(now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(now, tick=False):
        demo_load()
        demo_load()
    today = now.date()
    harbour = Patient.objects.get(given_name="Olivia").clinic
    days = [
        a.start.astimezone(harbour.tzinfo).date()
        for a in Appointment.objects.filter(clinic=harbour)
    ]
    on_today = Appointment.objects.filter(clinic=harbour, start__date=today)
    assert {a.kind for a in on_today} == {"consultation", "session"}
    assert all(any(d == today + dt.timedelta(days=n) for d in days) for n in range(7)), (
        "a full week"
    )
    assert sorted(Course.objects.filter(clinic=harbour).values_list("status", flat=True)) == [
        "active",
        "cancelled",
        "completed",
        "completed",
        "completed",
        "planned",
        "planned",
    ]
    template = load_protocol("ref-000").course()
    for course in Course.objects.filter(clinic=harbour):
        sessions = [s.start.date() for s in course.sessions.order_by("number")]
        assert check_course(template, sessions) == [], course
    assert not Patient.objects.filter(phone="").exists()
    assert Patient.objects.filter(clinic=harbour).count() == 12
