"""Sign-in and password-reset throttling, counted atomically in the database before any check.

Every attempt is counted before the password is looked at, under a row lock, so parallel
guesses cannot slip past the limit. Three counts:
- one account from one address: past LOGIN_THROTTLE_ATTEMPTS that address is locked out of
  that account until the window ends; the account's owner elsewhere is not;
- one account from addresses it never signed in from: past the limit each further attempt waits
  twice as long as the one before, so guessing from many addresses slows down, while the owner
  at a known address is never made to wait;
- one address over every account: the same growing wait past ten times the limit.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import Throttle
from mesoclinic.audit.models import Action, AuditEvent

LOCKED_OUT = (
    "Too many sign-in attempts for this account from this address. Wait {minutes} minutes and "
    "try again, or reset your password."
)
SLOWED_DOWN = "Too many sign-in attempts. Wait {seconds} seconds and try again."
# The longest wait a growing delay reaches.
LONGEST_WAIT = dt.timedelta(minutes=5)
# Several people behind one address (a clinic's network) sign in to many accounts.
ADDRESS_FACTOR = 10
RESET_WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was refused before anything was checked."""

    message: str


def _key(*parts: str | None) -> str:
    return hashlib.sha256("|".join(p or "-" for p in parts).encode()).hexdigest()


def _count(key: str, window: dt.timedelta) -> Throttle:
    """Count one attempt under `key`, in the caller's transaction, the row locked."""
    now = timezone.now()
    row, _ = Throttle.objects.select_for_update().get_or_create(
        key=key, defaults={"window_ends": now + window}
    )
    if row.window_ends <= now:
        row.attempts, row.window_ends, row.next_allowed = 0, now + window, None
    row.attempts += 1
    return row


def _wait(row: Throttle, limit: int) -> Refusal | None:
    """Past `limit`, refuse until the row's next allowed time, which doubles each attempt."""
    now = timezone.now()
    if row.next_allowed is not None and now < row.next_allowed:
        row.attempts -= 1  # a refused attempt does not lengthen the wait
        seconds = int((row.next_allowed - now).total_seconds()) + 1
        return Refusal(SLOWED_DOWN.format(seconds=seconds))
    if row.attempts > limit:
        doubling = dt.timedelta(seconds=2 ** min(row.attempts - limit - 1, 16))
        row.next_allowed = now + min(doubling, LONGEST_WAIT)
    return None


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS)


def sign_in_attempt(username: str, ip: str | None) -> Refusal | None:
    """Count a sign-in attempt before its password is checked; a Refusal means do not check."""
    name = username.strip().lower()
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    known = is_known_address(name, ip)
    with transaction.atomic():
        pair = _count(_key("account+address", name, ip), _window())
        rows = [pair]
        refusal = None
        if pair.attempts > limit:
            pair.attempts -= 1
            refusal = Refusal(lockout_message())
        address = _count(_key("address", ip), _window())
        rows.append(address)
        refusal = refusal or _wait(address, limit * ADDRESS_FACTOR)
        if not known:
            account = _count(_key("account", name), _window())
            rows.append(account)
            refusal = refusal or _wait(account, limit)
        for row in rows:
            row.save()
    return refusal


def sign_in_succeeded(username: str, ip: str | None) -> None:
    """Forget this account's attempts from this address, and from unknown ones, after a success."""
    name = username.strip().lower()
    Throttle.objects.filter(
        key__in=[_key("account+address", name, ip), _key("account", name)]
    ).delete()


def is_known_address(username: str, ip: str | None) -> bool:
    """Whether the account has signed in from `ip` before (the audit trail remembers)."""
    if ip is None:
        return False
    return AuditEvent.objects.filter(
        action=Action.LOGIN, actor__username__iexact=username, ip_address=ip
    ).exists()


def password_reset_allowed(email: str, ip: str | None) -> bool:
    """Count a password reset request; past the limit per address or per email, send nothing."""
    limit = settings.PASSWORD_RESET_THROTTLE_ATTEMPTS
    with transaction.atomic():
        rows = [
            _count(_key("reset-address", ip), RESET_WINDOW),
            _count(_key("reset-email", email.strip().lower()), RESET_WINDOW),
        ]
        for row in rows:
            row.save()
    return all(row.attempts <= limit for row in rows)


def lockout_message() -> str:
    return LOCKED_OUT.format(minutes=max(1, settings.LOGIN_THROTTLE_SECONDS // 60))
