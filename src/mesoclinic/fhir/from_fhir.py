"""FHIR R4 resources (as parsed JSON) → the field values of our `patients` models."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED
from mesoclinic.patients.models import (
    ClinicalStatus,
    MedicationKind,
    MedicationOrigin,
    MedicationStatus,
    ObservationStatus,
    Sex,
    VerificationStatus,
)

# The terminologies the clinical core reads: when a concept has several codings, keep one of these.
KNOWN_SYSTEMS = (SNOMED, RXNORM, ATC, LOINC)
ALLERGY_CLINICAL = ("active", "inactive", "resolved")
MILLI = Decimal("0.001")
LARGEST_QUANTITY = Decimal("999999.999")
Resource = dict[str, Any]


class Rejected(Exception):
    """A resource we cannot keep; the message says why, in words a person can act on."""


def coding_of(concept: Resource | None) -> dict[str, Any]:
    """The code fields of a CodeableConcept: every coding in order, the first of a known system
    (else the first) as the one the pages show, and free text."""
    concept = concept or {}
    codings = [c for c in concept.get("coding", []) if c.get("code")]
    known = [c for c in codings if c.get("system") in KNOWN_SYSTEMS]
    chosen = (known or codings or [{}])[0]
    display = chosen.get("display", "")
    text = concept.get("text", "")
    return {
        "code_system": chosen.get("system", ""),
        "code": chosen.get("code", ""),
        "code_display": display,
        "codings": [_coding(c) for c in codings],
        # Free text only when it says more than the coding's own display.
        "text": "" if text == display else text,
    }


def _coding(coding: Resource) -> dict[str, str]:
    return {
        "system": coding.get("system", ""),
        "code": coding["code"],
        "display": coding.get("display", ""),
    }


def status_code(concept: Resource | None) -> str:
    """The code of a status CodeableConcept such as Condition.clinicalStatus."""
    codings = (concept or {}).get("coding", [])
    return codings[0].get("code", "") if codings else ""


def choice(value: str, allowed: Any, element: str) -> str:
    """`value` if it is one of `allowed` (a TextChoices or tuple), else a clear rejection."""
    values = _values(allowed)
    if value not in values:
        raise Rejected(f"{element} {value!r} is not one mesoclinic keeps ({', '.join(values)})")
    return value


@cache
def _values(allowed: Any) -> tuple[str, ...]:
    # A TextChoices lists its values anew each time it is asked.
    return tuple(allowed.values if hasattr(allowed, "values") else allowed)


def fhir_date(value: str | None) -> dt.date | None:
    """A FHIR date or dateTime as a date; partial dates ("1970", "1970-03") take the first day."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, *_day(parts))
    except (ValueError, IndexError):
        raise Rejected(f"{value!r} is not a date") from None


def _day(parts: list[str]) -> list[int]:
    return [int(parts[2])] if len(parts) > 2 else [1]


def fhir_datetime(value: str | None) -> dt.datetime | None:
    """A FHIR dateTime or instant as an aware datetime; a bare date is midnight UTC."""
    if not value:
        return None
    if len(value) <= 10:
        day = fhir_date(value)
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{value!r} is not a date and time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def quantity(value: Any) -> Decimal:
    """A valueQuantity.value kept to three decimals, as the record stores it."""
    try:
        amount = Decimal(str(value)).quantize(MILLI, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise Rejected(f"valueQuantity.value {value!r} is not a number") from None
    if abs(amount) > LARGEST_QUANTITY:
        raise Rejected(f"valueQuantity.value {value} is larger than mesoclinic keeps")
    return amount


def patient_fields(res: Resource) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """A Patient's fields and its identifiers as (system, value, type text)."""
    given, family = _name(res.get("name", []))
    guardian_name, guardian_phone = _guardian(res.get("contact", []))
    deceased_at = fhir_datetime(res.get("deceasedDateTime"))
    fields = {
        "given_name": given,
        "family_name": family,
        "birth_date": fhir_date(res.get("birthDate")),
        "sex": choice(res.get("gender", Sex.UNKNOWN), Sex, "gender"),
        "phone": _telecom(res.get("telecom", []), "phone"),
        "email": _telecom(res.get("telecom", []), "email"),
        "address": _address(res.get("address", [])),
        "deceased": bool(res.get("deceasedBoolean")) or deceased_at is not None,
        "deceased_at": deceased_at,
        "guardian_name": guardian_name,
        "guardian_phone": guardian_phone,
    }
    return fields, [_identifier(i) for i in res.get("identifier", []) if i.get("value")]


def _name(names: list[Resource]) -> tuple[str, str]:
    """Given and family name from the official (else usual, else first) HumanName."""
    by_use = {n.get("use", ""): n for n in reversed(names)}
    name = by_use.get("official") or by_use.get("usual") or (names[0] if names else {})
    given = " ".join(name.get("given", []))
    if not given and not name.get("family"):
        return name.get("text", ""), ""
    return given, name.get("family", "")


def _telecom(points: list[Resource], system: str) -> str:
    return next((p["value"] for p in points if p.get("system") == system and p.get("value")), "")


def _address(addresses: list[Resource]) -> str:
    """One line of address: its text, or its parts joined."""
    if not addresses:
        return ""
    first = addresses[0]
    text: str = first.get("text", "")
    if text:
        return text
    parts = [*first.get("line", []), first.get("city"), first.get("state")]
    parts += [first.get("postalCode"), first.get("country")]
    return ", ".join(p for p in parts if p)


def _identifier(identifier: Resource) -> tuple[str, str, str]:
    kind = identifier.get("type", {})
    codings = kind.get("coding", [{}])
    type_text = kind.get("text") or codings[0].get("display") or codings[0].get("code", "")
    return identifier.get("system", ""), identifier["value"], type_text


def _guardian(contacts: list[Resource]) -> tuple[str, str]:
    """The first contact with a name: for a minor, the person who consents."""
    for contact in contacts:
        name = contact.get("name")
        if name:
            text = name.get("text") or " ".join([*name.get("given", []), name.get("family", "")])
            return text.strip(), _telecom(contact.get("telecom", []), "phone")
    return "", ""


def condition_fields(res: Resource) -> dict[str, Any]:
    """A Condition's fields."""
    return {
        **coding_of(res.get("code")),
        "clinical_status": choice(
            status_code(res.get("clinicalStatus")) or ClinicalStatus.ACTIVE,
            ClinicalStatus,
            "clinicalStatus",
        ),
        "verification_status": _verification(res),
        "onset": fhir_date(res.get("onsetDateTime") or res.get("onsetPeriod", {}).get("start")),
        "abatement": fhir_date(
            res.get("abatementDateTime") or res.get("abatementPeriod", {}).get("end")
        ),
    }


def _verification(res: Resource) -> str:
    code = status_code(res.get("verificationStatus"))
    return choice(code, VerificationStatus, "verificationStatus") if code else ""


def medication_fields(res: Resource, medications: dict[str, Resource]) -> dict[str, Any]:
    """A MedicationStatement's or MedicationRequest's fields; `medications` resolves references."""
    is_request = res["resourceType"] == "MedicationRequest"
    period = res.get("effectivePeriod", {})
    started = res.get("authoredOn") if is_request else res.get("effectiveDateTime")
    dosages = res.get("dosageInstruction" if is_request else "dosage", [])
    return {
        **coding_of(_medication_concept(res, medications)),
        "kind": _medication_kind(res),
        "origin": MedicationOrigin.REQUEST if is_request else MedicationOrigin.STATEMENT,
        "status": choice(res.get("status", ""), MedicationStatus, "status"),
        "dosage": dosages[0].get("text", "") if dosages else "",
        "started": fhir_date(started or period.get("start")),
        "ended": fhir_date(period.get("end")),
    }


def _medication_concept(res: Resource, medications: dict[str, Resource]) -> Resource:
    """medicationCodeableConcept, or the code of the contained or referenced Medication."""
    if "medicationCodeableConcept" in res:
        concept: Resource = res["medicationCodeableConcept"]
        return concept
    reference = res.get("medicationReference", {}).get("reference", "")
    contained = {f"#{c.get('id')}": c for c in res.get("contained", [])}
    # An absolute URL names the same Medication as its last two parts, `Medication/<id>`.
    relative = "/".join(reference.split("/")[-2:])
    medication = contained.get(reference) or medications.get(reference) or medications.get(relative)
    if medication is None:
        raise Rejected(f"medication {reference!r} is neither contained nor in the import")
    concept = dict(medication.get("code", {}))
    if not concept.get("coding") and not concept.get("text"):
        concept["text"] = res["medicationReference"].get("display", "")
    return concept


def _medication_kind(res: Resource) -> str:
    """A supplement when a category says so (there is no standard code for it in R4)."""
    categories = res.get("category", [])
    categories = categories if isinstance(categories, list) else [categories]
    words = [c.get("text", "") for c in categories]
    codings = [x for c in categories for x in c.get("coding", [])]
    words += [x.get("code", "") + " " + x.get("display", "") for x in codings]
    supplement = any("supplement" in w.lower() for w in words)
    return MedicationKind.SUPPLEMENT if supplement else MedicationKind.MEDICATION


def allergy_fields(res: Resource) -> dict[str, Any]:
    """An AllergyIntolerance's fields; the record keeps its first category only."""
    clinical = status_code(res.get("clinicalStatus")) or ClinicalStatus.ACTIVE
    return {
        **coding_of(res.get("code")),
        "clinical_status": choice(clinical, ALLERGY_CLINICAL, "clinicalStatus"),
        "verification_status": _verification(res),
        "category": next(iter(res.get("category", [])), ""),
        "criticality": res.get("criticality", ""),
        "reaction": _reaction(res.get("reaction", [])),
        "reactions": _reactions(res.get("reaction", [])),
        "onset": fhir_date(res.get("onsetDateTime") or res.get("onsetPeriod", {}).get("start")),
    }


def _said(res: Resource) -> str:
    """An answer in words or a yes or no (valueString, valueBoolean), which screening reads."""
    if isinstance(res.get("valueBoolean"), bool):
        return "yes" if res["valueBoolean"] else "no"
    return str(res.get("valueString", ""))


def _reaction(reactions: list[Resource]) -> str:
    """Every manifestation of every reaction, as one line of text."""
    names = [
        m.get("text") or coding_of(m)["code_display"] or coding_of(m)["code"]
        for r in reactions
        for m in r.get("manifestation", [])
    ]
    return "; ".join(n for n in names if n)


def _reactions(reactions: list[Resource]) -> list[dict[str, Any]]:
    """Every manifestation of every reaction with its codings, words and the reaction's severity."""
    return [
        {
            "codings": coding_of(m)["codings"],
            "text": m.get("text", ""),
            "severity": r.get("severity", ""),
        }
        for r in reactions
        for m in r.get("manifestation", [])
    ]


def observation_fields(res: Resource) -> dict[str, Any]:
    """An Observation's fields: its code, and a quantity or a coded value."""
    value = res.get("valueQuantity", {})
    answer = coding_of(res.get("valueCodeableConcept"))
    effective = res.get("effectiveDateTime") or res.get("effectiveInstant")
    return {
        **coding_of(res.get("code")),
        "status": choice(res.get("status", ""), ObservationStatus, "status"),
        "value_quantity": quantity(value["value"]) if "value" in value else None,
        "value_unit": value.get("unit") or value.get("code", ""),
        "value_code_system": answer["code_system"],
        "value_code": answer["code"],
        "value_display": answer["code_display"] or answer["text"] or _said(res),
        "value_codings": answer["codings"],
        "effective": fhir_datetime(effective or res.get("effectivePeriod", {}).get("start")),
    }
