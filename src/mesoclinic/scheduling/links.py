"""Addresses and markup for lists of hundreds of entries (a large clinic's calendar and day)."""

from django.urls import reverse
from django.utils.safestring import SafeString

from mesoclinic.markup import escaped

# Stands for an entry's id in an address reversed once for all entries; no other part of an
# address holds these digits.
ADDRESS_ID = 918273645


def address_of_each(route: str) -> str:
    """The route's address with `{}` where its one id goes."""
    return reverse(route, args=[ADDRESS_ID]).replace(str(ADDRESS_ID), "{}")


def entry_html(template: str, *values: object) -> SafeString:
    """`format_html` for one entry of hundreds: the same escaping (safe markup kept, the rest
    escaped by the standard library), without the check for lazy text on every value."""
    return SafeString(template.format(*map(escaped, values)))
