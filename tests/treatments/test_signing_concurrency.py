"""A practitioner signs while the same draft is being saved from another screen: on PostgreSQL
the row lock orders them, so nothing is ever written into a signed consultation."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain import (
    SIGNED,
    ConsultationRefused,
    consultation_save,
    consultation_sign,
)
from mesoclinic.treatments.models import Consultation
from tests import factories
from tests.races import race
from tests.treatments.factories import recorded

ROUNDS = 6

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def test_a_save_racing_a_signature_lands_before_it_or_not_at_all():
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    paula = factories.PractitionerFactory(clinic=harbour, user__username="paula").user
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=True):
        for _ in range(ROUNDS):
            pat = factories.PatientFactory(clinic=harbour)
            draft = recorded(pat, paula, recommendation="other-treatment")
            late = Consultation.objects.get(pk=draft.pk)

            def save(late=late):
                consultation_save(
                    consultation=late,
                    concerns="Written while it was being signed",
                    areas=["face"],
                    fitzpatrick=None,
                    skin_type="",
                    area_conditions={},
                    recommendation="other-treatment",
                    recommendation_reason="Good candidate",
                    by=paula,
                )

            outcomes = race(
                save,
                lambda draft=draft: consultation_sign(consultation=draft, by=paula),
                refused=ConsultationRefused,
            )
            events = list(
                AuditEvent.objects.filter(
                    object_id=str(draft.pk), object_type="treatments.Consultation"
                )
                .order_by("pk")
                .values_list("summary", flat=True)
            )
            assert outcomes[1] == "done"
            if outcomes[0] == "done":
                # The save took the row first; the signature followed it.
                assert events[-1] == "signed: another treatment instead"
            else:
                assert (outcomes[0], Consultation.objects.get(pk=draft.pk).concerns) == (
                    SIGNED,
                    "Tired skin, fine lines",
                )
