"""Acceptance 5: schemathesis generates requests from the OpenAPI document, and every answer is
documented: no server error, no status, content type or body the schema does not declare.

It calls the WSGI application in-process, as a script with an API token carrying every scope.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mesoclinic.accounts.models import ApiToken
from mesoclinic.accounts.tokens import token_digest
from mesoclinic.wsgi import application
from tests import factories
from tests.scheduling.factories import open_clinic

EXAMPLES_PER_ROUTE = 100
SENT = Counter()


# Bulk NDJSON is text; schemathesis sends it as it sends text/plain.
schemathesis.serializer.alias("application/fhir+ndjson", "text/plain")

# Reading the document touches no database, so it is read once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# A fixed token, so requests can be generated before the database holds it.
TOKEN = "mc_fuzzing-token-for-every-scope"


@schema.auth()
class BearerToken:
    """The test's token on each request, so schemathesis can also try one without it."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def connection_kept():
    """Like Django's test client: no request may close the test's connection, mid-transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(harbour, alice, paula, connection_kept):
    """The clinic admin's token for every scope (every route lets them in), in a clinic with a
    calendar and patients."""
    open_clinic(harbour, [paula.practitioner])
    factories.PatientFactory(clinic=harbour, given_name="Grace", family_name="Wilson", pk=1)
    factories.PatientFactory(clinic=harbour, given_name="Иван", family_name="Петров", pk=2)
    ApiToken.objects.create(
        user=alice, digest=token_digest(TOKEN), prefix=TOKEN[:9], scopes="read,import,book,stock"
    )
    return TOKEN


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_generated_request_is_answered_as_documented(case, token):
    SENT[case.operation.label] += 1
    # A request the schema allows may still be refused for the clinic's reasons (422: more
    # sessions than the chosen template has, a contraindicated booking), so that one check,
    # "every schema-valid request succeeds", does not apply; every other check does.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_at_least_a_thousand_requests_were_generated():
    print(f"\nschemathesis: {sum(SENT.values())} generated requests: {dict(SENT)}")
    assert sum(SENT.values()) >= 1000, dict(SENT)
