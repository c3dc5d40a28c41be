"""API tokens: staff scripts authenticate with a bearer token, hashed at rest and revocable."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import STAFF_ROLES, ApiToken, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action

TOKEN_PREFIX = "mc_"
STAFF_ONLY = "API tokens are for clinic staff; {user} is a {role}."


class TokenRefused(Exception):
    """The user may not hold an API token."""


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(user: User, actor: User | None = None) -> str:
    """Give `user` a new token and return it; it is shown once and stored only as its hash."""
    if user.role not in STAFF_ROLES or not user.is_active:
        raise TokenRefused(STAFF_ONLY.format(user=user.username, role=user.role))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, digest=token_digest(token), prefix=token[: len(TOKEN_PREFIX) + 6]
        )
        audit_record(
            by=actor, action=Action.CREATE, obj=row, summary=f"API token {row.prefix}… for {user}"
        )
    return token


def api_token_revoke_all(user: User, actor: User | None = None) -> int:
    """Revoke every live token of `user`; return how many there were."""
    with transaction.atomic():
        live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at=None))
        for row in live:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            audit_record(
                by=actor, action=Action.UPDATE, obj=row, summary=f"API token {row.prefix}… revoked"
            )
    return len(live)


def user_for_token(token: str) -> User | None:
    """The active staff user a live token belongs to, or None."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token.strip()), revoked_at=None)
        .first()
    )
    if row is None or not row.user.is_active or row.user.role not in STAFF_ROLES:
        return None
    return row.user
