"""Defect 1: feed addresses were computed from SECRET_KEY, never rotated, and outlived the
practitioner. Now each is random, kept as a hash, replaced from the calendar page, and dead
once the practitioner or their account is deactivated.
"""

import hashlib
import re

from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Practitioner

FEED = re.compile(r"http://localhost:8000(/clinic/feeds/\d+/[\w-]+\.ics)")


def make_feed(client):
    page = client.post(reverse("scheduling:feed-rotate"))
    return FEED.search(page.content.decode()).group(1)


def test_a_feed_address_is_random_kept_as_a_hash_and_replaced_on_request(client_for, paula, client):
    practitioner = Practitioner.objects.get(user=paula)
    assert client_for(paula).get(reverse("scheduling:calendar")).context["feed"] == practitioner
    first = make_feed(client_for(paula))
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    practitioner.refresh_from_db()
    assert practitioner.feed_token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(first).status_code == 200
    second = make_feed(client_for(paula))
    assert (first != second, client.get(first).status_code, client.get(second).status_code) == (
        True,
        404,
        200,
    )
    assert AuditEvent.objects.filter(summary="new calendar feed address").count() == 2


def test_a_feed_dies_with_the_practitioner_or_their_account(client_for, paula, client):
    feed = make_feed(client_for(paula))
    practitioner = Practitioner.objects.get(user=paula)
    practitioner.active = False
    practitioner.save()
    assert client.get(feed).status_code == 404
    practitioner.active = True
    practitioner.save()
    assert client.get(feed).status_code == 200
    paula.is_active = False
    paula.save()
    assert client.get(feed).status_code == 404


def test_only_a_practitioner_has_a_feed(client_for, rita):
    assert client_for(rita).post(reverse("scheduling:feed-rotate")).status_code == 403
