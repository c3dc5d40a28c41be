"""Resources kept as received: written on import, merged with the clinic's changes on the way out.

The merge is element by element at the top of the resource: an element the clinic's columns
still say as they did right after the import comes out as received (with every detail the
columns do not hold: structured dosages, extensions, precise dates, quantity codes, contacts'
relationships); an element the clinic changed comes out as the clinic has it now.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.timezone import now

from mesoclinic.accounts.models import Clinic
from mesoclinic.fhir.models import ReceivedResource
from mesoclinic.rows import EncodedJSON, insert_rows

Resource = dict[str, Any]
# The choice elements ([x]) of the types kept: one value of each, whichever type it has.
CHOICES = (
    "onset",
    "abatement",
    "effective",
    "value",
    "deceased",
    "medication",
    "multipleBirth",
    "reported",
)

# Where a kept resource names its patient.
REFERENCES = ("subject", "patient")


def whole(received: Resource, mapped: Resource, current: Resource) -> Resource:
    """The received resource with what the clinic changed since (`mapped` → `current`) applied."""
    merged = dict(received)
    for key in [*current, *(k for k in mapped if k not in current)]:
        if key == "resourceType" or mapped.get(key) == current.get(key):
            continue
        root = _choice_root(key)
        if root:
            for other in [k for k in merged if _choice_root(k) == root]:
                del merged[other]
        if key in current:
            merged[key] = current[key]
        else:
            merged.pop(key, None)
    for key in REFERENCES:
        # The patient is named as this clinic names it (a Bundle's urn:uuid means nothing after).
        if isinstance(merged.get(key), dict) and isinstance(current.get(key), dict):
            merged[key] = {**merged[key], "reference": current[key].get("reference")}
    return merged


def _choice_root(key: str) -> str:
    for root in CHOICES:
        rest = key[len(root) :]
        if key.startswith(root) and rest[:1].isupper():
            return root
    return ""


def kept_for(clinic_id: int, resource_type: str, ids: Iterable[str]) -> dict[str, ReceivedResource]:
    """The received resources of these ids, by id."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = ReceivedResource.objects.filter(
        clinic_id=clinic_id, resource_type=resource_type, fhir_id__in=wanted
    )
    return {row.fhir_id: row for row in rows}


def with_received(kept: dict[str, ReceivedResource], resource: Resource) -> Resource:
    """`resource` as the clinic has it, made whole from what was received, if anything was."""
    received = kept.get(resource.get("id", ""))
    if received is None:
        return resource
    return whole(received.as_received, received.mapped, resource)


def made_whole(
    clinic: Clinic, resource_type: str, resources: Iterable[Resource], size: int = 500
) -> Iterator[Resource]:
    """Each resource made whole from what was received, looked up `size` at a time."""
    batch: list[Resource] = []
    for resource in resources:
        batch.append(resource)
        if len(batch) == size:
            yield from _whole_batch(clinic, resource_type, batch)
            batch = []
    yield from _whole_batch(clinic, resource_type, batch)


def _whole_batch(clinic: Clinic, resource_type: str, batch: list[Resource]) -> list[Resource]:
    kept = kept_for(clinic.pk, resource_type, [r.get("id", "") for r in batch])
    return [with_received(kept, r) for r in batch]


def kept_only(clinic: Clinic, resource_type: str) -> Iterator[Resource]:
    """Resources kept as received that no column holds (the Medications others name)."""
    rows = ReceivedResource.objects.filter(clinic=clinic, resource_type=resource_type)
    for row in rows.order_by("pk").iterator(chunk_size=500):
        yield row.as_received


def keep(clinic: Clinic, pairs: list[tuple[Resource, Resource]]) -> None:
    """Keep each (received, mapped) pair, replacing what an earlier import kept under its id."""
    if not pairs:
        return
    insert_rows(
        ReceivedResource,
        (
            "clinic",
            "resource_type",
            "fhir_id",
            "resource",
            "resource_text",
            "mapped",
            "received_at",
        ),
        [
            (clinic.pk, received["resourceType"], received["id"], *_texts(received), mapped, now())
            for received, mapped in pairs
        ],
        unique_fields=("clinic", "resource_type", "fhir_id"),
        update_fields=("resource", "resource_text", "mapped", "received_at"),
    )


def _texts(received: Resource) -> tuple[EncodedJSON, str]:
    """The resource as its JSON column holds it, and as text with its keys as they came."""
    text = json.dumps(received, ensure_ascii=False)
    # The two encodings differ only where the text has a character past "~": most have none.
    plain = text.isascii() and "\x7f" not in text
    return EncodedJSON(text if plain else json.dumps(received)), text
