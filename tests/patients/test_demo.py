"""The demo patients come with a history: one eligible, one to review, one contraindicated."""

import datetime as dt

from mesoclinic.demo import demo_load
from mesoclinic.patients.models import Patient
from mesoclinic.patients.screening import screen_patient

ON = dt.date(2026, 11, 27)


def verdicts():
    patients = Patient.objects.filter(
        user__username__in=["patient", "patient.james", "patient.mia"]
    )
    return {p.user.username: screen_patient(p, ON).verdict.value for p in patients}


def history_counts():
    return [
        (p.user.username, p.conditions.count() + p.medications.count() + p.allergies.count())
        for p in Patient.objects.filter(user__isnull=False).order_by("pk")
    ]


def test_demo_patients_screen_as_eligible_review_and_contraindicated(db):
    demo_load()
    assert verdicts() == {
        "patient": "eligible",
        "patient.james": "review",
        "patient.mia": "contraindicated",
    }


def test_loading_the_demo_twice_adds_no_history(db):
    demo_load()
    before = history_counts()
    demo_load()
    assert (
        history_counts()
        == before
        == [
            ("patient", 3),
            ("patient.james", 3),
            ("patient.mia", 1),
            ("patient.riverside", 0),
        ]
    )
