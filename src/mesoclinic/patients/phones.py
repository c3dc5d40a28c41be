"""Phone numbers as the clinic types them, kept in E.164 ("+447700900123") and found however typed.

A number written without its country code ("07700 900123") is read as the clinic's country's
(`Clinic.country`); one written with it ("+44 7700 900123", "0044 7700 900123") as it says.
"""

import re

import phonenumbers

NOT_A_NUMBER = "“{text}” is not a phone number: {why}."
WHY = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "its country code is unknown (start with + and the country code, e.g. +44)"
    ),
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it holds too few digits or other characters",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short after the 00",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "it is too short",
    phonenumbers.NumberParseException.TOO_LONG: "it is too long",
}
LENGTH_WHY = {
    phonenumbers.ValidationResult.TOO_SHORT: "it is too short for a number of that country",
    phonenumbers.ValidationResult.TOO_LONG: "it is too long for a number of that country",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "it is too short: give the whole number with its area code"
    ),
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "its country code is unknown",
}
# What a search for a phone number may hold besides digits.
SEPARATORS = re.compile(r"[\s().\-/]")


class PhoneNumberError(ValueError):
    """What was typed cannot be a phone number; the message says why."""


def phone_e164(text: str, region: str) -> str:
    """`text` as E.164, read as a number of `region` when it has no country code; "" stays ""."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        why = WHY.get(error.error_type, "it cannot be read")
        raise PhoneNumberError(NOT_A_NUMBER.format(text=text, why=why)) from error
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        why = LENGTH_WHY.get(reason, "it has too few or too many digits for that country")
        raise PhoneNumberError(NOT_A_NUMBER.format(text=text, why=why))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """A stored number as people read it: "+44 7700 900123"; anything else as it was kept."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_digits(text: str, region: str) -> str:
    """The digits a stored E.164 number begins with when it is the number (or its start) typed.

    "+44 7700", "0044 7700" and "07700" (in a British clinic) all give "447700"; digits that
    follow no country code or trunk prefix are taken as they are.
    """
    typed = SEPARATORS.sub("", text.strip())
    digits = re.sub(r"\D", "", typed)
    if typed.startswith("+"):
        return digits
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return f"{number.country_code}{number.national_number}"
    country = phonenumbers.country_code_for_region(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is not None and metadata.international_prefix and typed.startswith("00"):
        return digits[2:]
    trunk = metadata.national_prefix if metadata is not None else None
    if country and trunk and digits.startswith(trunk):
        return f"{country}{digits[len(trunk) :]}"
    return digits
