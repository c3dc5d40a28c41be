"""The shipped intake questionnaire (FHIR R4): its form, its response, and the history it gives."""

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django import forms

from mesoclinic.clinical.facts import LOINC
from mesoclinic.patients.models import (
    Allergy,
    AnyHistoryEntry,
    Condition,
    EnteredBy,
    Medication,
    MedicationKind,
    Observation,
    Patient,
)

QUESTIONNAIRE_FILE = Path(__file__).with_name("intake_questionnaire.json")
ENTRY_TEXT = "https://mesoclinic.org/fhir/StructureDefinition/history-entry-text"
MODELS: dict[str, type[Condition | Medication | Allergy]] = {
    "Condition": Condition,
    "MedicationStatement": Medication,
    "AllergyIntolerance": Allergy,
}
SUPPLEMENT_ITEMS = frozenset({"supplements"})
# A yes or a no to a status question, as the LOINC answer screening reads.
STATUS_ANSWERS = {
    "82810-3": {True: ("LA15173-0", "Pregnant"), False: ("LA26683-5", "Not pregnant")},
    "63895-7": {
        True: ("LA29252-6", "Currently breastfeeding"),
        False: ("LA29253-4", "Not currently breastfeeding"),
    },
}
UNITS = {"29463-7": "kg", "8302-2": "cm"}
BMI = ("39156-5", "Body mass index (BMI) [Ratio]")
YES_NO = [("yes", "Yes"), ("no", "No")]


@cache
def questionnaire() -> dict[str, Any]:
    """The Questionnaire resource as shipped."""
    loaded: dict[str, Any] = json.loads(QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))
    return loaded


def canonical() -> str:
    """The questionnaire's canonical URL with its version, as a response cites it."""
    return f"{questionnaire()['url']}|{questionnaire()['version']}"


def questions() -> list[dict[str, Any]]:
    """Every question of the questionnaire, groups left out, in order."""
    return [item for group in questionnaire()["item"] for item in group["item"]]


def question_field(item: dict[str, Any]) -> forms.Field:
    """The form field that asks `item`."""
    label, required = item["text"], item.get("required", False)
    if item["type"] == "boolean":
        return forms.ChoiceField(
            label=label, required=required, choices=YES_NO, widget=forms.RadioSelect
        )
    if item["type"] == "decimal":
        return forms.DecimalField(
            label=label, required=required, min_value=1, max_value=400, decimal_places=1
        )
    # A repeating answer is typed one per line; the question's text says so.
    return forms.CharField(
        label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IntakeForm(forms.Form):
    """The questionnaire as a form, one field per question, grouped as the questionnaire is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in questions():
            self.fields[item["linkId"]] = question_field(item)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(group title, its bound fields) in questionnaire order."""
        return [
            (group["text"], [self[item["linkId"]] for item in group["item"]])
            for group in questionnaire()["item"]
        ]


def answer_values(item: dict[str, Any], value: Any) -> list[Any]:
    """The answers to `item` in a cleaned form: booleans, a number, or lines of text."""
    if value in (None, ""):
        return []
    if item["type"] == "boolean":
        return [value == "yes"]
    if item["type"] == "decimal":
        return [Decimal(value)]
    if item.get("repeats"):
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    return [str(value).strip()]


def fhir_answer(item: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = {"boolean": "valueBoolean", "decimal": "valueDecimal"}.get(item["type"], "valueString")
    return {kind: float(value) if isinstance(value, Decimal) else value}


def response_resource(
    patient: Patient, cleaned: Mapping[str, Any], authored: datetime
) -> dict[str, Any]:
    """The FHIR QuestionnaireResponse of the answers in `cleaned`."""
    groups = []
    for group in questionnaire()["item"]:
        items = []
        for item in group["item"]:
            answers = answer_values(item, cleaned.get(item["linkId"]))
            if answers:
                items.append(
                    {
                        "linkId": item["linkId"],
                        "text": item["text"],
                        "answer": [fhir_answer(item, a) for a in answers],
                    }
                )
        groups.append({"linkId": group["linkId"], "text": group["text"], "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical(),
        "status": "completed",
        "subject": {"reference": f"Patient/{patient.fhir_id or patient.pk}"},
        "authored": authored.isoformat(),
        "item": [g for g in groups if g["item"]],
    }


def history_from_answers(
    patient: Patient, cleaned: Mapping[str, Any], authored: datetime
) -> list[AnyHistoryEntry]:
    """The unsaved history entries the answers give, each waiting for a practitioner."""
    entries: list[AnyHistoryEntry] = []
    for item in questions():
        for answer in answer_values(item, cleaned.get(item["linkId"])):
            entry = entry_for(item, answer, authored)
            if entry is not None:
                entries.append(entry)
    entries += body_mass_index(entries, authored)
    for entry in entries:
        entry.patient = patient
        entry.entered_by = EnteredBy.PATIENT
    return entries


def entry_for(item: dict[str, Any], answer: Any, authored: datetime) -> AnyHistoryEntry | None:
    """The history entry one answer gives, if any (a "no" to a condition gives none)."""
    definition = item.get("definition", "")
    resource = definition.rpartition("/")[2].partition("#")[0]
    if resource == "Observation":
        return observation_for(item["code"][0], answer, authored)
    if resource not in MODELS or answer is False:
        return None
    entry = MODELS[resource](text=answer if isinstance(answer, str) else entry_text(item))
    if answer is True and item.get("code"):
        coding = item["code"][0]
        entry.code_system, entry.code, entry.code_display = (
            coding["system"],
            coding["code"],
            coding["display"],
        )
        entry.codings = [dict(coding)]
    if isinstance(entry, Medication) and item["linkId"] in SUPPLEMENT_ITEMS:
        entry.kind = MedicationKind.SUPPLEMENT
    return entry


def entry_text(item: dict[str, Any]) -> str:
    text: str = next(e["valueString"] for e in item["extension"] if e["url"] == ENTRY_TEXT)
    return text


def observation_for(coding: dict[str, str], answer: Any, authored: datetime) -> Observation:
    """A status (a coded yes or no) or a measurement, observed when the patient answered."""
    entry = Observation(
        code_system=LOINC,
        code=coding["code"],
        code_display=coding["display"],
        codings=[dict(coding)],
        effective=authored,
    )
    if isinstance(answer, bool):
        code, display = STATUS_ANSWERS[coding["code"]][answer]
        entry.value_code_system, entry.value_code, entry.value_display = LOINC, code, display
        entry.value_codings = [{"system": LOINC, "code": code, "display": display}]
    else:
        entry.value_quantity, entry.value_unit = answer, UNITS[coding["code"]]
    return entry


def body_mass_index(entries: list[AnyHistoryEntry], authored: datetime) -> list[Observation]:
    """The BMI from the weight and height given, rounded to one decimal; none without both."""
    measured = {
        e.code: e.value_quantity for e in entries if isinstance(e, Observation) and e.value_unit
    }
    weight, height = measured.get("29463-7"), measured.get("8302-2")
    if not weight or not height:
        return []
    bmi = (weight / (height / 100) ** 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return [
        Observation(
            code_system=LOINC,
            code=BMI[0],
            code_display=BMI[1],
            value_quantity=bmi,
            value_unit="kg/m2",
            effective=authored,
        )
    ]


def answered(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """Each question a stored response answers, with its answers in words."""
    return [
        (item["text"], ", ".join(answer_words(answer) for answer in item.get("answer", [])))
        for group in resource.get("item", [])
        for item in group.get("item", [])
    ]


def answer_words(answer: dict[str, Any]) -> str:
    if "valueBoolean" in answer:
        return "Yes" if answer["valueBoolean"] else "No"
    if "valueDecimal" in answer:
        return f"{answer['valueDecimal']:g}"
    return str(answer.get("valueString", ""))
