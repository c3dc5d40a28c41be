"""A side-effect report with plain, predictable values: urgent nodules on the left cheek."""

import datetime as dt

import factory

from mesoclinic.followup.models import SideEffectReport


class SideEffectReportFactory(factory.django.DjangoModelFactory):
    """Give it a patient and the session it follows."""

    class Meta:
        model = SideEffectReport

    clinic = factory.SelfAttribute("patient.clinic")
    practitioner = factory.SelfAttribute("session.practitioner")
    effect = "nodules"
    area = "left cheek"
    started_on = dt.date(2026, 12, 20)
    severity = "moderate"
    triage = "urgent"
    triage_reason = "nodules: always urgent after mesotherapy"
    reported_at = dt.datetime(2026, 12, 20, 10, tzinfo=dt.UTC)
