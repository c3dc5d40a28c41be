"""The quick structure check never passes what fhirclient's models refuse.

It is checked against every official R4 example (all resource types), each also spoiled in the
ways an import goes wrong (a required element dropped, a value of the wrong type, an element R4
does not have, a list where one value belongs and the reverse), and the Synthea samples; and it
must pass the Synthea samples itself, or the import would not gain its speed.
"""

import copy
import json
import tarfile

import pytest
from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from mesoclinic.fhir.r4 import _fits, _model, problems
from tests.fhir.test_official_examples import fetch_examples
from tests.shared import SHARED


def fhirclient_accepts(resource):
    try:
        FHIRElementFactory.instantiate(resource["resourceType"], resource)
    except (FHIRValidationError, TypeError, KeyError, ValueError, AttributeError, Exception):
        return False
    return True


def quick_check_passes(resource):
    return _fits(_model(resource["resourceType"]), resource)


def spoiled(resource):
    """The resource spoiled each way, one change at a time, at its top and one level down."""
    for path in _paths(resource):
        parent, key = path
        value = parent[key]
        for spoil in (None, 7, "text", [value], {"no": "such"}, "DROP"):
            copied = copy.deepcopy(resource)
            target = _find(copied, resource, parent)
            if spoil == "DROP":
                del target[key]
            else:
                target[key] = spoil if spoil is not None else {}
            yield copied
        copied = copy.deepcopy(resource)
        _find(copied, resource, parent)["notAnElement"] = 1
        yield copied


def _paths(resource):
    for key, value in resource.items():
        if key == "resourceType":
            continue
        yield resource, key
        if isinstance(value, dict):
            yield from ((value, inner) for inner in value)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield from ((value[0], inner) for inner in value[0])


def _find(copied, original, parent):
    """`parent`'s counterpart inside `copied`."""
    if parent is original:
        return copied
    for key, value in original.items():
        if value is parent:
            return copied[key]
        if isinstance(value, list) and value and value[0] is parent:
            return copied[key][0]
    raise LookupError(parent)


@pytest.fixture(scope="module")
def official():
    with tarfile.open(fetch_examples()) as tarball:
        found = []
        for member in tarball.getmembers():
            if not member.name.endswith(".json") or "/package.json" in member.name:
                continue
            resource = json.loads(tarball.extractfile(member).read())
            if isinstance(resource, dict) and isinstance(resource.get("resourceType"), str):
                found.append(resource)
        return found


def synthea():
    for path in sorted((SHARED / "fhir-samples").glob("*/*.ndjson")):
        yield from (json.loads(line) for line in path.read_text().splitlines() if line.strip())


def test_every_official_example_passes_only_if_fhirclient_accepts_it(official):
    passed = [r for r in official if quick_check_passes(r)]
    assert all(fhirclient_accepts(r) for r in passed)
    # The check is not idle: most of the examples are valid, and it passes most of those.
    assert len(passed) > len(official) / 2


def test_a_spoiled_example_passes_only_if_fhirclient_accepts_it(official):
    kept = [
        r
        for r in official
        if r["resourceType"]
        in (
            "Patient",
            "AllergyIntolerance",
            "Condition",
            "Observation",
            "MedicationStatement",
            "Procedure",
            "Appointment",
        )
    ]
    tried = wrongly_passed = refused = 0
    for resource in kept[:150]:
        for variant in spoiled(resource):
            tried += 1
            passes = quick_check_passes(variant)
            wrongly_passed += passes and not fhirclient_accepts(variant)
            refused += not passes
    assert (tried > 5_000, wrongly_passed, refused > tried / 2) == (True, 0, True)


def test_every_synthea_resource_passes_the_quick_check_and_fhirclient():
    resources = list(synthea())
    assert len(resources) > 2_000
    assert [r["id"] for r in resources if not quick_check_passes(r)] == []
    assert all(fhirclient_accepts(r) for r in resources[:300])


def test_what_the_quick_check_does_not_pass_fhirclient_words():
    resource = {"resourceType": "Patient", "id": "p1", "gender": 7, "birthDate": "1980-13-45"}
    assert not quick_check_passes(resource)
    assert problems(resource) == [
        "Patient.birthDate: does not match expected format",
        "Patient.gender: a number where R4 expects a string",
    ]
