"""The catalogue as FHIR R4: a product and each of its lots as a Medication, and back.

A product's Medication carries its ingredients (coded where a code exists); a lot's carries
`batch.lotNumber` and `batch.expirationDate` and names its product. What FHIR's Medication has
no element for (the unit, prescription only, the off-label note, stock and a lot's status) is
kept in the project's extensions, so an export imports again without loss.
"""

from datetime import date
from typing import Any

from mesoclinic.inventory.ingredients import IngredientLine
from mesoclinic.inventory.models import Lot, LotStatus, Product, ProductForm

Resource = dict[str, Any]
BASE = "https://mesoclinic.org/fhir"
PRODUCT_SYSTEM = f"{BASE}/product"
LOT_SYSTEM = f"{BASE}/lot"
FORMS = f"{BASE}/CodeSystem/product-form"
EXTENSION = f"{BASE}/StructureDefinition"
UNIT, PRESCRIPTION, OFF_LABEL, NUMBING = (
    f"{EXTENSION}/product-unit",
    f"{EXTENSION}/product-prescription-only",
    f"{EXTENSION}/product-off-label-use",
    f"{EXTENSION}/product-numbing-cream",
)
LOT_OF, LOT_STATUS, LOT_REASON, RECEIVED, LEFT, RECEIVED_ON = (
    f"{EXTENSION}/lot-of-product",
    f"{EXTENSION}/lot-status",
    f"{EXTENSION}/lot-status-reason",
    f"{EXTENSION}/lot-quantity-received",
    f"{EXTENSION}/lot-quantity-left",
    f"{EXTENSION}/lot-received-on",
)


class NotOurs(ValueError):
    """The resource is not one of the catalogue's, or lacks what the catalogue needs."""


def product_to_fhir(product: Product) -> Resource:
    """A product as a Medication with its ingredients."""
    ingredients = [
        {"itemCodeableConcept": _ingredient_concept(i.name, i.code_system, i.code)}
        for i in product.ingredients.all()
    ]
    extensions = [
        {"url": UNIT, "valueString": product.unit},
        {"url": PRESCRIPTION, "valueBoolean": product.prescription_only},
        {"url": NUMBING, "valueBoolean": product.numbing},
    ]
    if product.off_label_note:
        extensions.append({"url": OFF_LABEL, "valueString": product.off_label_note})
    resource: Resource = {
        "resourceType": "Medication",
        "id": product.fhir_id,
        "extension": extensions,
        "identifier": [{"system": PRODUCT_SYSTEM, "value": product.fhir_id}],
        "code": {"text": product.name},
        "status": "active" if product.active else "inactive",
        "form": _form(product.form),
    }
    if product.manufacturer:
        resource["manufacturer"] = {"display": product.manufacturer}
    if ingredients:
        resource["ingredient"] = ingredients
    return resource


def _ingredient_concept(name: str, system: str, code: str) -> Resource:
    if not code:
        return {"text": name}
    return {"coding": [{"system": system, "code": code, "display": name}], "text": name}


def _form(form: str) -> Resource:
    label = ProductForm(form).label
    return {"coding": [{"system": FORMS, "code": form, "display": label}], "text": label}


def lot_to_fhir(lot: Lot) -> Resource:
    """A lot as a Medication of its product with its batch: lot number and expiry."""
    product = lot.product
    extensions: list[Resource] = [
        {"url": LOT_OF, "valueReference": {"reference": f"Medication/{product.fhir_id}"}},
        {"url": LOT_STATUS, "valueCode": lot.status},
        {"url": RECEIVED, "valueInteger": lot.quantity_received},
        {"url": LEFT, "valueInteger": lot.quantity_left},
        {"url": RECEIVED_ON, "valueDate": lot.received_on.isoformat()},
    ]
    if lot.status_reason:
        extensions.append({"url": LOT_REASON, "valueString": lot.status_reason})
    return {
        "resourceType": "Medication",
        "id": lot.fhir_id,
        "extension": extensions,
        "identifier": [{"system": LOT_SYSTEM, "value": lot.fhir_id}],
        "code": {"text": product.name},
        "status": "active" if lot.status == LotStatus.AVAILABLE else "inactive",
        "form": _form(product.form),
        "batch": {"lotNumber": lot.number, "expirationDate": lot.expires.isoformat()},
    }


def catalogue_kind(resource: Resource) -> str:
    """ "product" or "lot" for a Medication the catalogue exported, else ""."""
    systems = {i.get("system") for i in resource.get("identifier", [])}
    return "product" if PRODUCT_SYSTEM in systems else "lot" if LOT_SYSTEM in systems else ""


def _extension(resource: Resource, url: str, kind: str, default: Any = None) -> Any:
    found = next((e for e in resource.get("extension", []) if e.get("url") == url), None)
    return found.get(kind, default) if found else default


def product_fields(resource: Resource) -> tuple[dict[str, Any], list[IngredientLine]]:
    """The product a Medication describes, and its ingredients."""
    name = resource.get("code", {}).get("text", "").strip()
    form = next((c["code"] for c in resource.get("form", {}).get("coding", [])), "")
    if not name or form not in ProductForm.values:
        raise NotOurs("a catalogue product needs code.text and a form of " + FORMS)
    fields = {
        "name": name,
        "manufacturer": resource.get("manufacturer", {}).get("display", ""),
        "form": form,
        "unit": _extension(resource, UNIT, "valueString", "unit"),
        "prescription_only": _extension(resource, PRESCRIPTION, "valueBoolean", False),
        "off_label_note": _extension(resource, OFF_LABEL, "valueString", ""),
        "numbing": _extension(resource, NUMBING, "valueBoolean", False),
        "active": resource.get("status") != "inactive",
    }
    return fields, [_ingredient_line(i) for i in resource.get("ingredient", [])]


def _ingredient_line(ingredient: Resource) -> IngredientLine:
    concept = ingredient.get("itemCodeableConcept") or {}
    coding: Resource = next(iter(concept.get("coding", [])), {})
    name = concept.get("text") or coding.get("display") or coding.get("code", "")
    return IngredientLine(name, coding.get("system", ""), coding.get("code", ""))


def lot_fields(resource: Resource) -> tuple[str, dict[str, Any]]:
    """The product id a lot Medication names, and the lot's fields."""
    batch = resource.get("batch", {})
    reference = _extension(resource, LOT_OF, "valueReference", {}).get("reference", "")
    if not reference.startswith("Medication/") or not (
        batch.get("lotNumber") and batch.get("expirationDate")
    ):
        raise NotOurs("a lot needs batch.lotNumber, batch.expirationDate and its product")
    status = _extension(resource, LOT_STATUS, "valueCode", LotStatus.AVAILABLE)
    received = _extension(resource, RECEIVED, "valueInteger", 0)
    return reference.removeprefix("Medication/"), {
        "number": batch["lotNumber"],
        "expires": date.fromisoformat(batch["expirationDate"]),
        "quantity_received": received,
        "quantity_left": _extension(resource, LEFT, "valueInteger", received),
        "status": status if status in LotStatus.values else LotStatus.AVAILABLE,
        "status_reason": _extension(resource, LOT_REASON, "valueString", ""),
        "received_on": date.fromisoformat(_extension(resource, RECEIVED_ON, "valueDate")),
    }
