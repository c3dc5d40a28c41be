"""The configured site address that links sent by email are built from, never a request's host."""

from urllib.parse import urlsplit

from django.conf import settings


def site_url(path: str) -> str:
    """The address of `path` (from "/") on the configured site, for links sent by email."""
    return settings.SITE_URL + path


def site_link_context() -> dict[str, str]:
    """The `protocol` and `domain` Django's email templates build their links from."""
    site = urlsplit(settings.SITE_URL)
    return {"protocol": site.scheme, "domain": site.netloc}
