"""Text messages through a small backend interface: the console now, a real gateway later."""

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    """What a gateway offers: send one message, raising OSError when it cannot be reached."""

    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsBackend:
    """Prints each message, for development and the demo."""

    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")
        sys.stdout.flush()


class LocmemSmsBackend:
    """Keeps each message in `outbox`, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        LocmemSmsBackend.outbox.append((to, body))


def sms_backend() -> SmsBackend:
    """The backend `settings.SMS_BACKEND` names."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
