"""API tokens: staff scripts authenticate with a bearer token, hashed at rest, scoped, expiring."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import STAFF_ROLES, ApiToken, TokenScope, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action

TOKEN_PREFIX = "mc_"
STAFF_ONLY = "API tokens are for clinic staff; {user} is a {role}."
DEFAULT_LIFETIME = dt.timedelta(days=90)  # as models.token_expiry
LONGEST_LIFETIME = dt.timedelta(days=366)


class TokenRefused(Exception):
    """The user may not hold an API token, or not one like that."""


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(
    user: User,
    actor: User | None = None,
    *,
    scopes: Iterable[str] = (TokenScope.READ,),
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> str:
    """Give `user` a new token and return it; it is shown once and stored only as its hash."""
    if user.role not in STAFF_ROLES or not user.is_active:
        raise TokenRefused(STAFF_ONLY.format(user=user.username, role=user.role))
    chosen = [scope for scope in TokenScope.values if scope in set(scopes)]
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown or not chosen:
        raise TokenRefused(f"scopes must be some of {', '.join(TokenScope.values)}; got {unknown}")
    if not dt.timedelta(0) < lifetime <= LONGEST_LIFETIME:
        raise TokenRefused(f"a token lives between 1 and {LONGEST_LIFETIME.days} days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            digest=token_digest(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            scopes=",".join(chosen),
            expires_at=timezone.now() + lifetime,
        )
        audit_record(
            by=actor,
            action=Action.CREATE,
            obj=row,
            summary=f"API token {row.prefix}… for {user} ({row.scopes})",
        )
    return token


def api_token_revoke(row: ApiToken, actor: User | None = None) -> None:
    """Revoke one token; the revocation is audited."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=row.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            by=actor,
            action=Action.UPDATE,
            obj=locked,
            summary=f"API token {locked.prefix}… revoked",
        )


def api_token_revoke_all(user: User, actor: User | None = None) -> int:
    """Revoke every live token of `user`; return how many there were."""
    live = list(ApiToken.objects.filter(user=user, revoked_at=None))
    for row in live:
        api_token_revoke(row, actor)
    return len(live)


def token_for(token: str) -> ApiToken | None:
    """The live, unexpired token row of an active staff member, or None."""
    row = (
        ApiToken.objects.select_related("user", "user__clinic")
        .filter(digest=token_digest(token.strip()), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active or row.user.role not in STAFF_ROLES:
        return None
    return row


def user_for_token(token: str) -> User | None:
    """The active staff user a live token belongs to, or None."""
    row = token_for(token)
    return row.user if row else None


def token_use_audit(row: ApiToken, method: str, path: str) -> None:
    """Record one use of a token: who, which token, what was asked."""
    audit_record(
        by=row.user,
        action=Action.READ if method == "GET" else Action.UPDATE,
        obj=row,
        summary=f"API token {row.prefix}… used: {method} {path}"[:300],
    )
