"""Addresses for lists of hundreds of entries, reversed once rather than once per entry."""

from django.urls import reverse

# Stands for an entry's id in an address reversed once for all entries; no other part of an
# address holds these digits.
ADDRESS_ID = 918273645


def address_of_each(route: str) -> str:
    """The route's address with `{}` where its one id goes."""
    return reverse(route, args=[ADDRESS_ID]).replace(str(ADDRESS_ID), "{}")
