"""Reading FHIR input: bulk NDJSON, Bundles and single resources, from files or a request."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Bundles that carry resources to keep; a document or message Bundle means something else.
IMPORTED_BUNDLES = ("collection", "transaction", "batch", "searchset")
NOT_A_RESOURCE = "not a FHIR resource: a JSON object with a resourceType is expected"
# Deeper than any real resource (Synthea's go about ten levels); deeper input is refused
# before the FHIR models walk it, which would exhaust Python's recursion.
MOST_NESTING = 40
TOO_DEEP = "nested more than {most} levels deep (objects and lists); not read"
TOO_DEEP_TO_PARSE = f"nested far more than {MOST_NESTING} levels deep; not read"
NOT_UTF8 = (
    "not UTF-8 text: byte 0x{byte:02X} at character {column} (save the file as UTF-8; "
    "Latin-1 or Windows-1252 text would be read wrongly)"
)
# Decoding keeps a byte that is not UTF-8 as a lone surrogate, U+DC80 to U+DCFF.
NOT_UTF8_BYTE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Source:
    """Text to import and where it came from; `ndjson` None means: find out from the text."""

    name: str
    text: str
    ndjson: bool | None = None


@dataclass(frozen=True)
class Entry:
    """One resource read from a source: its file, its line (or Bundle entry number), its URL."""

    file: str
    line: int
    resource: dict[str, Any]
    full_url: str = ""


@dataclass
class Reading:
    """Everything read from the sources: the entries, and the lines that could not be read."""

    entries: list[Entry] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, file: str, line: int, reason: str) -> None:
        self.rejected.append({"file": file, "line": line, "reason": reason})


class MissingInput(Exception):
    """A path given to the importer does not exist."""


def sources_from_paths(paths: list[str]) -> list[Source]:
    """Every .ndjson and .json file in `paths` (folders are searched), in a stable order."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".ndjson", ".json"))
        elif path.is_file():
            files.append(path)
        else:
            raise MissingInput(f"{given}: no such file or folder")
    return [_source_of(path) for path in files]


def decoded(data: bytes) -> str:
    """The text of `data`, with any byte that is not UTF-8 kept as a marker the reader refuses."""
    return data.decode("utf-8", errors="surrogateescape")


class Unreadable(ValueError):
    """Text that is not JSON, or not UTF-8, or nested too deeply; `line` says where."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.line = line


def _not_utf8(text: str) -> Unreadable | None:
    """The refusal of `text` for a byte that was not UTF-8 (line and character), or None."""
    if text.isascii():
        # Python knows this of every text without reading it; the markers are not ASCII.
        return None
    found = NOT_UTF8_BYTE.search(text)
    if found is None:
        return None
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Unreadable(NOT_UTF8.format(byte=ord(found[0]) - 0xDC00, column=column), line)


def _deeper_than(value: dict[str, Any] | list[Any], most: int) -> bool:
    """Whether objects and lists nest in `value` more than `most` levels deep.

    The recursion goes no deeper than `most`, so deep input cannot exhaust Python's stack.
    """
    if most <= 0:
        return True
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, (dict, list)) and _deeper_than(child, most - 1):
            return True
    return False


def _parse(text: str) -> Any:
    """JSON from `text`; Unreadable says why not and on which line."""
    refused = _not_utf8(text)
    if refused:
        raise refused
    try:
        return json.loads(text)
    except RecursionError:
        raise Unreadable(TOO_DEEP_TO_PARSE) from None
    except json.JSONDecodeError as error:
        raise Unreadable(f"not valid JSON: {error}", error.lineno) from error


def _source_of(path: Path) -> Source:
    text = decoded(path.read_bytes())
    ndjson = True if path.suffix == ".ndjson" else False if path.suffix == ".json" else None
    return Source(str(path), text, ndjson)


def read_sources(sources: list[Source]) -> Reading:
    """Read every source into entries, rejecting what is not JSON or not a resource."""
    reading = Reading()
    for source in sources:
        if _is_ndjson(source):
            _read_ndjson(source, reading)
        else:
            _read_document(source, reading)
    return reading


def _is_ndjson(source: Source) -> bool:
    if source.ndjson is not None:
        return source.ndjson
    try:
        _parse(source.text)
    except Unreadable:
        return True
    return False


def _read_ndjson(source: Source, reading: Reading) -> None:
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resource = _parse(line)
        except Unreadable as error:
            reading.reject(source.name, number, str(error))
            continue
        _add_resource(source.name, number, resource, reading)


def _read_document(source: Source, reading: Reading) -> None:
    try:
        document = _parse(source.text)
    except Unreadable as error:
        reading.reject(source.name, error.line, str(error))
        return
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        _read_bundle(source.name, document, reading)
    else:
        _add_resource(source.name, 1, document, reading)


def _read_bundle(name: str, bundle: dict[str, Any], reading: Reading) -> None:
    """Each entry of a Bundle, numbered from 1 in place of a line number."""
    if bundle.get("type") not in IMPORTED_BUNDLES:
        kinds = ", ".join(IMPORTED_BUNDLES)
        reading.reject(name, 1, f"a {bundle.get('type')} Bundle is not imported (only {kinds})")
        return
    for number, entry in enumerate(bundle.get("entry", []), start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if resource is None:
            reading.reject(name, number, f"Bundle entry {number} holds no resource")
            continue
        _add_resource(name, number, resource, reading, entry.get("fullUrl", ""))


def _add_resource(
    name: str, number: int, resource: Any, reading: Reading, full_url: str = ""
) -> None:
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        reading.reject(name, number, NOT_A_RESOURCE)
        return
    if _deeper_than(resource, MOST_NESTING):
        reading.reject(name, number, TOO_DEEP.format(most=MOST_NESTING))
        return
    if "id" not in resource and full_url.startswith("urn:uuid:"):
        # A transaction Bundle names new resources by their fullUrl only.
        resource = {**resource, "id": full_url.removeprefix("urn:uuid:")}
    reading.entries.append(Entry(name, number, resource, full_url))
