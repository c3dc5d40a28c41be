"""Builds `mesoclinic/fhir/r4_required_codes.json` from the R4 (4.0.1) StructureDefinitions,
ValueSets and CodeSystems of the official npm package (`hl7.fhir.r4.examples`).

For every element of the types the importer keeps (and of the datatypes they use) bound to a
value set with strength `required`, the codes that set allows, by code system; and for every
element of a complex datatype, that datatype, so the check can walk into it. Value sets that
cannot be listed (a filter, a code system not in the package or not complete) are left out:
the check never refuses what it cannot know.

Run `python -m tests.fhir.r4_bindings <package.tgz>` to write the file again.
"""

import json
import sys
import tarfile
from pathlib import Path

from mesoclinic.fhir.r4 import CODES_FILE, KEPT_TYPES

# Datatypes not walked: an extension's codes are the extension's own definition's business.
NOT_WALKED = {"Extension", "Element", "BackboneElement", "Resource", "Reference", "Meta"}


def build(tarball_path: Path) -> dict:
    # One pass over the archive: a gzip stream read backwards is read again from its start.
    wanted = ("StructureDefinition-", "ValueSet-", "CodeSystem-")
    with tarfile.open(tarball_path) as tarball:
        files = {
            name: tarball.extractfile(member).read()
            for member in tarball
            if (name := member.name.removeprefix("package/")).startswith(wanted)
            and name.endswith(".json")
        }

    def load(name):
        data = files.get(name)
        return json.loads(data) if data else None

    terminology = {
        kind: {
            found["url"]: found
            for found in (load(name) for name in files if name.startswith(f"{kind}-"))
        }
        for kind in ("ValueSet", "CodeSystem")
    }
    codes, kinds = {}, {}
    todo, seen = list(KEPT_TYPES), set()
    while todo:
        type_name = todo.pop()
        definition = load(f"StructureDefinition-{type_name}.json")
        if type_name in seen or type_name in NOT_WALKED or definition is None:
            continue
        seen.add(type_name)
        for element in definition["snapshot"]["element"]:
            todo += _read(element, terminology, codes, kinds)
    return {"codes": dict(sorted(codes.items())), "kinds": dict(sorted(kinds.items()))}


def _read(element, terminology, codes, kinds):
    """Note an element's datatypes and required codes; return the datatypes to walk next."""
    walk = []
    for path, datatype in _concrete(element):
        if datatype[:1].isupper() and datatype not in NOT_WALKED:
            kinds[path] = datatype
            walk.append(datatype)
        binding = element.get("binding", {})
        if binding.get("strength") == "required" and binding.get("valueSet"):
            allowed = _listed(
                binding["valueSet"], terminology["ValueSet"], terminology["CodeSystem"]
            )
            if allowed is not None:
                codes[path] = allowed
    return walk


def _concrete(element):
    """(path, datatype) for each type an element may have; a choice [x] per type."""
    path = element["path"]
    if "." not in path:
        return []
    types = [t["code"] for t in element.get("type", [])]
    if path.endswith("[x]"):
        return [(path[:-3] + t[0].upper() + t[1:], t) for t in types]
    return [(path, t) for t in types[:1]]


def _listed(url, value_sets, code_systems):
    """{system: sorted codes} a value set allows, or None if it cannot be listed here."""
    value_set = value_sets.get(url.split("|")[0])
    if value_set is None:
        return None
    compose = value_set.get("compose", {})
    listed = {}
    for include in compose.get("include", []):
        if include.get("filter") or include.get("valueSet") or "system" not in include:
            return None
        system = include["system"]
        if include.get("concept"):
            found = [c["code"] for c in include["concept"]]
        else:
            code_system = code_systems.get(system)
            if code_system is None or code_system.get("content") != "complete":
                return None
            found = list(_all_codes(code_system.get("concept", [])))
        listed.setdefault(system, []).extend(found)
    if not listed or compose.get("exclude"):
        return None
    return {system: sorted(set(found)) for system, found in sorted(listed.items())}


def _all_codes(concepts):
    for concept in concepts:
        yield concept["code"]
        yield from _all_codes(concept.get("concept", []))


if __name__ == "__main__":
    table = build(Path(sys.argv[1]))
    CODES_FILE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
