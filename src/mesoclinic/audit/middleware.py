"""Makes the request's address available to audit writes deep inside domain functions."""

from collections.abc import Callable
from contextvars import ContextVar
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer's, or, from a trusted proxy, the one it forwards.

    X-Forwarded-For is read from the right, skipping the trusted proxies (TRUSTED_PROXIES):
    anything further left was written by the client and proves nothing.
    """
    peer: str | None = request.META.get("REMOTE_ADDR") or None
    if peer is None or not _trusted(peer):
        return peer
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for address in reversed([a.strip() for a in forwarded if a.strip()]):
        if _address(address) is None:
            return peer
        if not _trusted(address):
            return address
    return peer


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _trusted(text: str) -> bool:
    """Whether `text` is one of the configured proxies (addresses or networks)."""
    address = _address(text)
    return address is not None and any(
        address in ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES
    )


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
