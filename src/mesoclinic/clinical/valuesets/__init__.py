"""Value sets: which codes and words mean which concept, read from the data files here."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mesoclinic.clinical.concepts import Concept, Meaning, meaning_of
from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED, Coding
from mesoclinic.clinical.freetext import Cues, PhraseBook

FOLDER = Path(__file__).parent
CODE_FILES = {SNOMED: "snomed.toml", RXNORM: "rxnorm.toml", LOINC: "loinc.toml"}


class ValueSetError(ValueError):
    """A value set file that cannot be used; the message names the file, the table and the fault."""


@dataclass(frozen=True)
class Measurement:
    """An observation whose value, at or above a threshold, means a concept (BMI ≥ 30: obesity)."""

    concept: Concept
    at_least: float
    display: str


@dataclass(frozen=True)
class ValueSets:
    """Every code, class prefix, measurement and phrase the screening knows."""

    codes: Mapping[tuple[str, str], tuple[Meaning, ...]]
    atc_prefixes: tuple[tuple[str, Meaning], ...]
    measurements: Mapping[str, Measurement]
    phrases: PhraseBook
    local_use: PhraseBook
    local_use_overrides: frozenset[Meaning]

    def meanings(self, coding: Coding) -> tuple[Meaning, ...]:
        """What one code means; empty when no value set knows it."""
        if coding.system == ATC:
            code = coding.code.strip().upper()
            return tuple(
                meaning for prefix, meaning in self.atc_prefixes if code.startswith(prefix)
            )
        return self.codes.get((coding.system, coding.code.strip()), ())


@cache
def value_sets() -> ValueSets:
    """The shipped value sets (read once)."""
    return read_value_sets(FOLDER)


def read_value_sets(folder: Path) -> ValueSets:
    """The value sets in `folder`; ValueSetError when a file is malformed."""
    codes: dict[tuple[str, str], tuple[Meaning, ...]] = {}
    for system, name in CODE_FILES.items():
        for meaning, entries in _tables(folder / name, skip={"measurements"}):
            for code in entries:
                codes[system, code] = (*codes.get((system, code), ()), meaning)
    synonyms = _read(folder / "synonyms.toml")
    return ValueSets(
        codes=codes,
        atc_prefixes=tuple(
            (prefix, meaning)
            for meaning, entries in _tables(folder / "atc.toml")
            for prefix in entries
        ),
        measurements=_measurements(folder / "loinc.toml"),
        phrases=PhraseBook(
            _named(synonyms, "phrases", "synonyms.toml"),
            _cues(synonyms),
            _named(synonyms, "all-of", "synonyms.toml"),
        ),
        local_use=PhraseBook(
            {"local-use": _section(synonyms, "local-use")["words"]}, _cues(synonyms)
        ),
        local_use_overrides=frozenset(
            _meaning(name, "synonyms.toml", "local-use")
            for name in _section(synonyms, "local-use")["overrides"]
        ),
    )


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueSetError(f"{path.name}: cannot read the file: {error}") from error


def _meaning(name: str, file: str, table: str) -> Meaning:
    try:
        return meaning_of(name)
    except ValueError as error:
        raise ValueSetError(f"{file}, [{table}]: {error}") from error


def _tables(
    path: Path, skip: frozenset[str] | set[str] = frozenset()
) -> list[tuple[Meaning, dict[str, str]]]:
    """The file's tables, one per meaning, each mapping codes to their names."""
    tables = []
    for name, entries in _read(path).items():
        if name in skip:
            continue
        if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
            raise ValueSetError(f'{path.name}, [{name}]: expected "code" = "name" entries')
        tables.append((_meaning(name, path.name, name), entries))
    return tables


def _section(content: dict[str, object], name: str) -> dict[str, list[str]]:
    section = content.get(name, {})
    if not isinstance(section, dict):
        raise ValueSetError(f"synonyms.toml, [{name}]: expected a table")
    return section


def _named(content: dict[str, object], name: str, file: str) -> dict[str, list[str]]:
    """A table of meanings, each with a list of phrases (or, for all-of, of phrase lists)."""
    section = _section(content, name)
    for meaning, phrases in section.items():
        _meaning(meaning, file, name)
        flat = [p for item in phrases for p in (item if isinstance(item, list) else [item])]
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in flat):
            raise ValueSetError(f"{file}, [{name}]: {meaning} must list non-empty phrases")
    return section


def _cues(content: dict[str, object]) -> Cues:
    cues = _section(content, "cues")
    look_back = cues.get("look-back", 3)
    if not isinstance(look_back, int):
        raise ValueSetError("synonyms.toml, [cues]: 'look-back' must be a whole number")
    return Cues(
        look_back=look_back,
        negation=frozenset(cues.get("negation", [])),
        negation_after=frozenset(cues.get("negation-after", [])),
        past=frozenset(cues.get("past", [])),
        someone_else=frozenset(cues.get("someone-else", [])),
        clause_breaks=frozenset(cues.get("clause-breaks", [])),
    )


def _measurements(path: Path) -> dict[str, Measurement]:
    found = {}
    measurements = _read(path).get("measurements", {})
    if not isinstance(measurements, dict):
        raise ValueSetError(f"{path.name}, [measurements]: expected a table")
    for code, entry in measurements.items():
        where = f'{path.name}, [measurements."{code}"]'
        try:
            found[code] = Measurement(
                Concept(entry["concept"]), float(entry["at_least"]), entry["display"]
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueSetError(
                f"{where}: needs concept, at_least and display ({error})"
            ) from error
    return found


@cache
def named_codes() -> tuple[Coding, ...]:
    """Every code the value set files list, with its name, once each, in file order."""
    found: dict[tuple[str, str], Coding] = {}
    for system, name in (*CODE_FILES.items(), (ATC, "atc.toml")):
        path = FOLDER / name
        named = [
            (c, n)
            for _, entries in _tables(path, skip={"measurements"})
            for c, n in entries.items()
        ]
        named += [(code, m.display) for code, m in _measurements(path).items()]
        for code, display in named:
            found.setdefault((system, code), Coding(system, code, display))
    return tuple(found.values())
