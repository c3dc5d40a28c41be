"""Two admins saving a treatment's consent text at once: on PostgreSQL the clinic's row orders
them, so even the first text becomes versions 1 and 2, and neither save fails."""

import time
from unittest.mock import patch

import pytest
from django.db import connection

from mesoclinic.treatments.domain.consent import ConsentRefused, consent_template_save
from mesoclinic.treatments.models import ConsentTemplate
from tests import factories
from tests.races import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def test_two_first_versions_saved_at_once_become_versions_one_and_two():
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    admins = [
        factories.UserFactory(username=name, clinic=harbour, role="admin")
        for name in ("alice", "amir")
    ]
    create = ConsentTemplate.objects.create

    def slowly(**fields):
        # Both have read that there is no version yet before either writes one.
        time.sleep(0.3)
        return create(**fields)

    def save_by(admin):
        return lambda: consent_template_save(
            clinic_id=harbour.pk,
            treatment="standard",
            title=f"Consent, as {admin.username} wrote it",
            text="I agree to a course of mesotherapy injections.",
            risks=["Bruising"],
            by=admin,
        )

    with patch.object(ConsentTemplate.objects, "create", slowly):
        outcomes = race(save_by(admins[0]), save_by(admins[1]), refused=ConsentRefused)
    assert outcomes == ["done", "done"]
    assert sorted(ConsentTemplate.objects.values_list("version", flat=True)) == [1, 2]
