"""Checking a resource against FHIR R4 (4.0.1): its structure, and every required code.

The structure is checked with fhirclient's models, generated from the R4 4.0.1 definitions
(fhir.resources' models are R4B or R5). The codes an element bound `required` may hold come from
the R4 definitions themselves (`r4_required_codes.json`, written by `tests/fhir/r4_bindings.py`
from the official package): a criticality of "extreme" is refused, naming the element's path.
"""

import json
import re
from collections.abc import Callable
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from fhirclient.models.fhirabstractbase import (  # type: ignore[import-untyped]
    FHIRAbstractBase,
    FHIRValidationError,
)
from fhirclient.models.fhirelementfactory import (  # type: ignore[import-untyped]
    FHIRElementFactory,
)

Resource = dict[str, Any]
CODES_FILE = Path(__file__).with_name("r4_required_codes.json")
# The types the importer keeps, whose required codes are checked.
KEPT_TYPES = (
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
)
SHOWN = 3
# More names than any R4 type's elements have, with their `_` twins and choices ([x]) spelt out.
MOST_ELEMENT_NAMES = 512
JSON_TYPES = {
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "true or false",
    "dict": "an object",
    "list": "a list",
}
# fhirclient's words for a problem, and ours.
WORDINGS = [
    (
        re.compile(
            r"Wrong type <class '(\w+)'> for property \"\w+\" on .*?, expecting <class '(\w+)'>"
        ),
        lambda m: f"{JSON_TYPES.get(m[1], m[1])} where R4 expects {JSON_TYPES.get(m[2], m[2])}",
    ),
    (
        re.compile(r"Non-optional property \"(\w+)\" on .* is missing"),
        lambda m: f"{m[1]} is required and missing",
    ),
    (
        re.compile(r"Superfluous entry \"(\w+)\" in data for .*"),
        lambda m: f"{m[1]} is not an R4 element here",
    ),
]
MISSING_AGAIN = re.compile(r"^(.*): (\w+) is required and missing$")


@cache
def _table() -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    return table


def problems(resource: Resource) -> list[str]:
    """Why `resource` is not valid R4, each as `<path>: <what>`; empty if it is valid."""
    found = _structure(resource)
    if not _codes_pass(resource, resource["resourceType"]):
        found += _codes(resource, resource["resourceType"], resource["resourceType"])
    return found


def _structure(resource: Resource) -> list[str]:
    if _fits(_model(resource["resourceType"]), resource):
        return []
    try:
        FHIRElementFactory.instantiate(resource["resourceType"], resource)
    except FHIRValidationError as error:
        found = [_plain(p) for p in _flattened(error, resource["resourceType"])]
        return [p for p in found if not _reported_already(p, found)]
    except (TypeError, KeyError, ValueError, AttributeError) as error:
        return [f"{resource['resourceType']}: {error}"]
    return []


# The quick check ------------------------------------------------------------------------------
# Building fhirclient's objects costs several times what importing a resource does. The quick
# check walks the JSON against the same models' element tables and says only "fits": anything
# it is unsure of goes to fhirclient, whose answer (and wording) stands.


@cache
def _model(resource_type: str) -> type:
    return type(FHIRElementFactory.instantiate(resource_type, None))


class _Shape(NamedTuple):
    """What a model reads: each JSON name's check of one value and whether it takes a list; the
    names of which one must be given, per required element; the resource type, if any."""

    elements: dict[str, tuple[Callable[[Any], bool], bool]]
    required: tuple[tuple[str, ...], ...]
    keys: frozenset[str]
    resource_type: str | None


@cache
def _shape(model: type) -> _Shape:
    elements: dict[str, tuple[Callable[[Any], bool], bool]] = {}
    groups: dict[str, list[str]] = {}
    keys = {"resourceType"}
    for _, name, kind, is_list, choice, required in model().elementProperties():
        elements[name] = (_check(kind), is_list)
        keys |= {name, f"_{name}"} | ({choice} if choice else set())
        if required:
            groups.setdefault(choice or name, []).append(name)
    required = tuple(tuple(names) for names in groups.values())
    return _Shape(elements, required, frozenset(keys), getattr(model, "resource_type", None))


def _fits(model: type, data: Any) -> bool:
    """True when fhirclient reads `data` as `model` without a problem; False when it would not,
    or might not."""
    if not isinstance(data, dict):
        return False
    shape = _shape(model)
    if data.get("resourceType", shape.resource_type) != shape.resource_type:
        return False
    if not shape.keys.issuperset(data):
        return False
    for key, value in data.items():
        element = shape.elements.get(key)
        if element is None or value is None:
            continue
        fits, is_list = element
        if is_list is not isinstance(value, list):
            return False
        if not (all(map(fits, value)) if is_list else fits(value)):
            return False
    return _required_given(shape.required, data)


def _required_given(required: tuple[tuple[str, ...], ...], data: dict[str, Any]) -> bool:
    """Whether one name of each required group has a value; loops, as the generators that
    said the same cost a quarter of the quick check."""
    for group in required:
        for name in group:
            if data.get(name) is not None:
                break
        else:
            return False
    return True


def _check(kind: Any) -> Callable[[Any], bool]:
    """The check of one value of element type `kind`."""
    if isinstance(kind, type) and issubclass(kind, FHIRAbstractBase):
        return partial(_fits, kind)
    if hasattr(kind, "with_json"):  # a date or time: its own parser says
        return partial(_parses, kind)
    if kind in (int, float):
        return lambda item: isinstance(item, int | float)
    return lambda item: isinstance(item, kind)


def _parses(kind: Any, item: Any) -> bool:
    try:
        kind.with_json(item)
    except Exception:
        return False
    return True


def _reported_already(problem: str, found: list[str]) -> bool:
    """A required element that failed to read is also said to be missing: once is enough."""
    missing = MISSING_AGAIN.match(problem)
    if missing is None:
        return False
    element = f"{missing[1]}.{missing[2]}"
    return any(other.startswith((f"{element}:", f"{element}.")) for other in found)


def _plain(problem: str) -> str:
    for pattern, wording in WORDINGS:
        problem = pattern.sub(wording, problem)
    return problem


def _flattened(error: Any, path: str) -> Any:
    """Each leaf of fhirclient's nested errors as `<path>: <message>`."""
    here = f"{path}.{error.path}" if getattr(error, "path", None) else path
    nested = getattr(error, "errors", None)
    if not nested:
        yield f"{here}: {str(error).strip()}"
        return
    for inner in nested:
        if isinstance(inner, FHIRValidationError):
            yield from _flattened(inner, here)
        else:
            yield f"{here}: {str(inner).strip(chr(39))}"


# The quick code walk ---------------------------------------------------------------------------
# Naming the path of every element costs more than checking its codes: the quick walk names
# none and says only "every code is allowed"; otherwise `_codes` walks again and names them.


class _Step(NamedTuple):
    """One element of a type: the codes its required binding allows per system, every one of
    them, and the type path its value is walked at."""

    allowed: dict[str, frozenset[str]] | None
    every: frozenset[str]
    child: str


@lru_cache(maxsize=4096)
def _step(type_path: str, key: str) -> _Step:
    element = f"{type_path}.{key}"
    table = _table()
    child: str = table["kinds"].get(element, element)
    bound = table["codes"].get(element)
    if bound is None:
        return _Step(None, frozenset(), child)
    allowed = {system: frozenset(codes) for system, codes in bound.items()}
    return _Step(allowed, frozenset().union(*allowed.values()), child)


class _Steps(dict[str, _Step]):
    """The steps of one type path by key, each kept once worked out: one dictionary look-up a
    key, where `_step`'s cache hashes the pair. The keys come from the input, so no more are
    kept than an R4 type has names for its elements."""

    def __init__(self, type_path: str) -> None:
        super().__init__()
        self.type_path = type_path

    def __missing__(self, key: str) -> _Step:
        step = _step(self.type_path, key)
        if len(self) < MOST_ELEMENT_NAMES:
            self[key] = step
        return step


@lru_cache(maxsize=1024)
def _steps(type_path: str) -> _Steps:
    return _Steps(type_path)


def _codes_pass(value: Any, type_path: str) -> bool:
    """True when `_codes` finds nothing in `value`; False when it may find something."""
    if not isinstance(value, dict):
        return True
    steps = _steps(type_path)
    for key, item in value.items():
        step = steps[key]
        for one in item if isinstance(item, list) else (item,):
            if step.allowed is not None and not _allowed(one, step):
                return False
            if not isinstance(one, dict):
                continue
            inner = str(one.get("resourceType", "")) if key == "contained" else step.child
            if not _codes_pass(one, inner):
                return False
    return True


def _allowed(value: Any, step: _Step) -> bool:
    """True when `_refused` refuses nothing in `value`; anything unusual is left to it."""
    if isinstance(value, str):
        return value in step.every
    if not isinstance(value, dict):
        return True
    codings = value.get("coding", [value] if "code" in value else [])
    if not isinstance(codings, list):
        return False
    assert step.allowed is not None
    return all(_coding_allowed(coding, step.allowed) for coding in codings)


def _coding_allowed(coding: Any, allowed: dict[str, frozenset[str]]) -> bool:
    if not isinstance(coding, dict):
        return False
    system, code = coding.get("system"), coding.get("code")
    if not isinstance(system, str) or system not in allowed:
        return system is None or isinstance(system, str)
    return isinstance(code, str) and code in allowed[system]


def _codes(value: Any, type_path: str, where: str) -> list[str]:
    """Every code in `value` (at element `type_path`) that its required value set refuses."""
    if not isinstance(value, dict):
        return []
    table = _table()
    found = []
    for key, item in value.items():
        element = f"{type_path}.{key}"
        items = item if isinstance(item, list) else [item]
        for n, one in enumerate(items):
            at = f"{where}.{key}[{n}]" if isinstance(item, list) else f"{where}.{key}"
            if element in table["codes"]:
                found += _refused(one, table["codes"][element], at)
            if key == "contained" and isinstance(one, dict):
                kind = str(one.get("resourceType", ""))
                found += _codes(one, kind, at)
            elif element in table["kinds"]:
                found += _codes(one, table["kinds"][element], at)
            elif isinstance(one, dict):
                found += _codes(one, element, at)
    return found


def _refused(value: Any, allowed: dict[str, list[str]], at: str) -> list[str]:
    """A code, Coding or CodeableConcept outside the value set's codes."""
    if isinstance(value, str):
        every = sorted({code for codes in allowed.values() for code in codes})
        if value in every:
            return []
        return [f"{at}: {value!r} is not an R4 code here ({_some(every)})"]
    if not isinstance(value, dict):
        return []
    codings = value.get("coding", [value] if "code" in value else [])
    found = []
    for n, coding in enumerate(codings):
        system, code = coding.get("system"), coding.get("code")
        if system in allowed and code not in allowed[system]:
            path = f"{at}.coding[{n}].code" if "coding" in value else f"{at}.code"
            found.append(f"{path}: {code!r} is not an R4 code here ({_some(allowed[system])})")
    return found


def _some(codes: list[str]) -> str:
    shown = ", ".join(codes[:8])
    return f"one of {shown}" + (", …" if len(codes) > 8 else "")
