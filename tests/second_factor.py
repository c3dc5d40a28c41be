"""A staff member's second factor as tests sign in with it."""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

TESTS_DEVICE = "recovery codes"


def verified_device(user):
    """The device a test's sign-in is marked as checked with: the user's recovery codes."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=TESTS_DEVICE)
    return device


def recovery_code(user, code="tests-code-1"):
    """A fresh recovery code of `user`, to type at the second step as a person would."""
    StaticToken.objects.create(device=verified_device(user), token=code)
    return code
