"""Signing a consultation or a session record, and its addenda, as the pages do it."""

from collections.abc import Callable

from django.contrib import messages

from mesoclinic.accounts.permissions import SignedInRequest


def change_and_tell(
    request: SignedInRequest,
    change: Callable[[], object],
    *,
    refused: type[Exception],
    done: str,
) -> None:
    """Make a signing or addendum change and tell the user it was done, or why it was not."""
    try:
        change()
    except refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
