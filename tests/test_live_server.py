"""The live server the browser tests drive answers requests at once without mixing them up.

On SQLite the test database is in memory, where SQLite keeps no writer out of another's
transaction (`tests/live_server.py`): eight charts asked for at once must still each write their
own audit event, in an unbroken chain. A page's two photos fetched together once collided on
the chain's place.
"""

import threading
import urllib.request

import pytest
from django.conf import settings

from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.verify import verify_chain

AT_ONCE = 8


@pytest.mark.django_db(transaction=True)
def test_charts_asked_for_at_once_each_write_their_audit_event(live_server, client_for, paula, pat):
    cookie = client_for(paula).cookies[settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/patients/{pat.pk}/"
    statuses = []
    start = threading.Barrier(AT_ONCE)

    def ask() -> None:
        request = urllib.request.Request(
            url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        )
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=ask) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * AT_ONCE
    reads = AuditEvent.objects.filter(actor=paula, patient_id=pat.pk, action="read")
    assert reads.count() >= AT_ONCE
    verdict = verify_chain()
    assert (verdict.broken_at, verdict.problem) == (None, "")
