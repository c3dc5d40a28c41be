"""Acceptance: every exported resource is valid R4 and passes the FHIRPath invariants of the R4
StructureDefinitions, evaluated with fhirpathpy over the definitions of the official package.

The export holds every kind of record the clinic makes (a patient with every kind of history, a
signed consultation, its plan, a course with its sessions, the catalogue, the screening
mappings) and, imported, synthea-10 and the official examples.
"""

import json
import tarfile
from collections import defaultdict
from xml.etree import ElementTree

import pytest
from fhirpathpy import compile as fhirpath
from fhirpathpy.models import models

from mesoclinic.fhir.domain import fhir_export, fhir_import
from mesoclinic.fhir.r4 import problems
from mesoclinic.patients.domain import clinic_mapping_save
from tests.fhir.records import full_record
from tests.fhir.test_nothing_lost import example_sources, synthea_sources
from tests.fhir.test_official_examples import fetch_examples

# The clinical record books a course from a fixed day: the clock stands still on it.
pytestmark = pytest.mark.usefixtures("frozen_now")

R4 = models["r4"]
# Structural invariants every element carries (no empty elements, an extension has a value or
# extensions): the models' own parsing checks them, on every element, for every resource.
STRUCTURAL = {"ele-1", "ext-1"}
# Narrative invariants written with `htmlChecks()`, a FHIR function fhirpathpy does not have:
# checked here as R4 states them (only basic XHTML, no active content; some text).
HTML = {"txt-1", "txt-2"}
# Checked here too: fhirpathpy cannot evaluate its `as(canonical)`.
IN_PYTHON = HTML | {"dom-3"}
BASIC_HTML = (
    "a abbr acronym b big blockquote br caption cite code col colgroup dd dfn div dl dt em h1 h2 "
    "h3 h4 h5 h6 hr i img li ol p pre q samp small span strong sub sup table tbody td tfoot th "
    "thead tr tt ul var"
)
ALLOWED = set(BASIC_HTML.split(" "))
# Of each synthea-10 file, this many resources: the same shapes repeat, and fhirpathpy is slow.
SAMPLE = 20


def _definitions_in(tarball_path):
    """The R4 StructureDefinitions of resources and datatypes, by id."""
    found = {}
    with tarfile.open(tarball_path) as tarball:
        for member in tarball:
            name = member.name.removeprefix("package/")
            if not (name.startswith("StructureDefinition-") and name.endswith(".json")):
                continue
            definition = json.load(tarball.extractfile(member))
            specialises = definition.get("derivation") == "specialization"
            kind = definition.get("kind") in ("resource", "complex-type")
            if specialises and kind and "snapshot" in definition:
                found[definition["id"]] = definition
    return found


@pytest.fixture(scope="module")
def definitions():
    """Each type's invariants as (element path, key, expression), and each element's type."""
    found = _definitions_in(fetch_examples())
    invariants = defaultdict(list)
    kinds = {}
    for type_name, definition in found.items():
        for element in definition["snapshot"]["element"]:
            path = element["path"].removesuffix("[x]")
            relative = path.removeprefix(type_name).lstrip(".")
            invariants[type_name] += [
                (relative, c["key"], c["expression"])
                for c in element.get("constraint", [])
                if c["key"] not in STRUCTURAL | IN_PYTHON and c.get("expression")
            ]
            types = [t["code"] for t in element.get("type", [])]
            if len(types) == 1 and types[0] in found and "." in element["path"]:
                kinds[element["path"]] = types[0]
    return invariants, kinds


def narrative_broken(resource):
    """txt-1 and txt-2 for a resource's narrative, or nothing if it has none."""
    div = resource.get("text", {}).get("div")
    if div is None:
        return []
    try:
        root = ElementTree.fromstring(div)
    except ElementTree.ParseError as error:
        return [f"txt-1: not XHTML ({error})"]
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    failed = [f"txt-1: {sorted(tags - ALLOWED)}"] if tags - ALLOWED else []
    if root.tag != "{http://www.w3.org/1999/xhtml}div":
        failed.append(f"txt-1: the root is {root.tag}")
    if not "".join(root.itertext()).strip():
        failed.append("txt-2: no text")
    return failed


def broken(resource, definitions):
    """The keys of the invariants `resource` breaks, with where."""
    invariants, kinds = definitions
    context = {"resource": resource, "rootResource": resource}
    failed = narrative_broken(resource) + contained_unreferenced(resource)
    for type_name, prefix in _walked(resource["resourceType"], kinds):
        for relative, key, expression in invariants[type_name]:
            at = ".".join(p for p in (prefix, relative) if p)
            target = f"{resource['resourceType']}.{at}" if at else resource["resourceType"]
            try:
                result = _evaluate(resource, f"{target}.select({_portable(expression)})", context)
            except Exception as error:
                result = [f"cannot evaluate ({str(error)[:60]}): {expression}"]
            # An invariant is broken where it says false; an empty answer breaks nothing.
            if any(r is not True for r in result):
                failed.append(f"{key} at {at or resource['resourceType']}: {result}")
    return failed


def _portable(expression):
    """The expression as fhirpathpy evaluates it: it lacks `hasValue()`, which on elements
    without extensions (ours) is `exists()`."""
    return expression.replace("hasValue()", "exists()")


def contained_unreferenced(resource):
    """dom-3, whose `as(canonical)` fhirpathpy cannot evaluate: each contained resource is
    referred to (`#<id>`) from elsewhere in the resource."""
    references = set(_references({k: v for k, v in resource.items() if k != "contained"}))
    for contained in resource.get("contained", []):
        references |= set(_references(contained))
    return [
        f"dom-3: #{c.get('id')} is never referred to"
        for c in resource.get("contained", [])
        if f"#{c.get('id')}" not in references
    ]


def _references(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _walked(resource_type, kinds, depth=3):
    """(datatype, path from the resource) for the resource and each complex element within."""
    found = [(resource_type, "")]
    frontier = [(resource_type, resource_type, "")]
    for _ in range(depth):
        following = []
        for _type_name, element_prefix, relative in frontier:
            for path, datatype in kinds.items():
                if (
                    path.startswith(f"{element_prefix}.")
                    and path.count(".") == element_prefix.count(".") + 1
                ):
                    name = path.rsplit(".", 1)[1]
                    inner = f"{relative}.{name}".lstrip(".")
                    found.append((datatype, inner))
                    following.append((datatype, datatype, inner))
        frontier = following
    return found


COMPILED = {}


def _evaluate(resource, expression, context):
    if expression not in COMPILED:
        COMPILED[expression] = fhirpath(expression, R4)
    return COMPILED[expression](resource, context)


@pytest.fixture
def everything(harbour, paula, clinical_record, tmp_path):
    full_record(harbour)
    clinic_mapping_save(
        clinic=harbour,
        system="http://snomed.info/sct",
        code="84757009",
        phrase="",
        display="Epilepsy (disorder)",
        target="not-relevant",
        note="",
        by=paula,
    )
    sampled = []
    for source in synthea_sources():
        lines = source.text.splitlines()[:SAMPLE]
        sampled.append(type(source)(source.name, "\n".join(lines) + "\n", ndjson=True))
    fhir_import(clinic=harbour, by=None, sources=sampled + example_sources())
    fhir_export(clinic=harbour, directory=tmp_path, by=None)
    exported = []
    for path in sorted(tmp_path.glob("*.ndjson")):
        exported += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return exported


def test_every_exported_resource_is_valid_r4_and_keeps_every_invariant(
    everything, definitions, capsys
):
    types = {r["resourceType"] for r in everything}
    assert types >= {
        "Patient",
        "Condition",
        "MedicationStatement",
        "MedicationRequest",
        "AllergyIntolerance",
        "Observation",
        "Medication",
        "Encounter",
        "ClinicalImpression",
        "CarePlan",
        "Appointment",
        "Practitioner",
        "Location",
        "ConceptMap",
    }
    invalid = {f"{r['resourceType']}/{r['id']}": p for r in everything if (p := problems(r))}
    assert invalid == {}
    failing = defaultdict(list)
    for resource in everything:
        for found in broken(resource, definitions):
            failing[found.split(":")[0]].append(f"{resource['resourceType']}/{resource['id']}")
    capsys.readouterr()  # fhirpathpy's trace() of ref-1 prints
    summary = {key: ids[:3] for key, ids in failing.items()}
    assert summary == {}, json.dumps(summary, indent=1)
    assert all(r["text"]["status"] in ("generated", "additional", "extensions") for r in everything)
    assert not any("basedOn" in r for r in everything if r["resourceType"] == "Appointment")
    assert len(everything) > 250
