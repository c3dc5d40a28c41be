"""Login throttling: too many failed sign-ins for one account from one address lock it a while."""

import hashlib

from django.conf import settings
from django.core.cache import cache

LOCKED_OUT = (
    "Too many failed sign-ins. Wait {minutes} minutes and try again, or reset your password."
)


def _key(username: str, ip: str | None) -> str:
    raw = f"{username.strip().lower()}|{ip or '-'}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def is_locked_out(username: str, ip: str | None) -> bool:
    """True when this account and address have used up their failed attempts."""
    failures: int = cache.get(_key(username, ip), 0)
    return failures >= settings.LOGIN_THROTTLE_ATTEMPTS


def note_failure(username: str, ip: str | None) -> None:
    """Count one failed sign-in; the count expires after the lockout period."""
    key = _key(username, ip)
    cache.add(key, 0, settings.LOGIN_THROTTLE_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_THROTTLE_SECONDS)


def clear_failures(username: str, ip: str | None) -> None:
    """Forget failed attempts after a successful sign-in."""
    cache.delete(_key(username, ip))


def lockout_message() -> str:
    return LOCKED_OUT.format(minutes=max(1, settings.LOGIN_THROTTLE_SECONDS // 60))
