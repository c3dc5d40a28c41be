"""A practitioner's private calendar feed: a random address, kept only as a hash, replaceable."""

import secrets

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import Practitioner, feed_token_digest


def feed_token_rotate(*, practitioner: Practitioner, by: User) -> str:
    """Give `practitioner` a new feed secret and return it; the old address stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        practitioner.feed_token_digest = feed_token_digest(token)
        practitioner.feed_token_created_at = timezone.now()
        practitioner.save(update_fields=["feed_token_digest", "feed_token_created_at"])
        audit_record(
            by=by, action=Action.UPDATE, obj=practitioner, summary="new calendar feed address"
        )
    return token
