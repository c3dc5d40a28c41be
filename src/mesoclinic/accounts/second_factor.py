"""Reading a staff member's second factors: which they have, and whether a code matches one."""

import base64

import segno
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from mesoclinic.accounts.models import User

WRONG_CODE = "That code is not right, or was used already. Try the newest code."
__all__ = ["user_has_device"]


def second_factor_match(user: User, code: str) -> Device | None:
    """The authenticator app or recovery code device `code` belongs to, if it is valid now."""
    for model in (TOTPDevice, StaticDevice):
        device: Device
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return device
    return None


def has_passkey(user: User) -> bool:
    return bool(WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def second_factor_checked(user: object) -> bool:
    """Whether this sign-in passed a second factor (django-otp's middleware tells the user)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def second_factors_of(user: User) -> list[Device]:
    """Every confirmed second factor of `user`: apps, passkeys, the recovery codes."""
    return list(devices_for_user(user))


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app takes it typed in (base32)."""
    return base64.b32encode(device.bin_key).decode()


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG in a data: address (the policy allows it)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=4))
