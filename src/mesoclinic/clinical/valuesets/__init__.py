"""Value sets: which codes and words mean which concept, read from the data files here."""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mesoclinic.clinical.concepts import Concept, Meaning, meaning_of
from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED, UNII, Coding, RecordKind
from mesoclinic.clinical.freetext import Cue, PhraseBook, Reach
from mesoclinic.clinical.ingredients import Ingredient, IngredientBook

FOLDER = Path(__file__).parent
CODE_FILES = {SNOMED: "snomed.toml", RXNORM: "rxnorm.toml", LOINC: "loinc.toml"}
CODE_SYSTEMS = {"sct": SNOMED, "rxnorm": RXNORM, "unii": UNII, "atc": ATC, "loinc": LOINC}
LANGUAGES = ("en", "sr", "tr")
# Tables of synonyms.toml per language: English, Serbian, Turkish.
PHRASE_TABLES = ("phrases", "phrases-sr", "phrases-tr")
CUE_TABLES = ("cues", "cues-sr", "cues-tr")
INGREDIENT = "ingredient:"
NOT_RELEVANT = "not-relevant:"


class ValueSetError(ValueError):
    """A value set file that cannot be used; the message names the file, the table and the fault."""


@dataclass(frozen=True)
class Measurement:
    """An observation whose value, at or above a threshold, means a concept (BMI ≥ 30: obesity)."""

    concept: Concept
    at_least: float
    display: str


@dataclass(frozen=True)
class NotRelevant:
    """A kind of record known not to matter for screening, and why."""

    group: str
    reason: str
    kinds: frozenset[RecordKind]


@dataclass(frozen=True)
class ValueSets:
    """Every code, class prefix, measurement, phrase and ingredient the screening knows."""

    codes: Mapping[tuple[str, str], tuple[Meaning, ...]]
    atc_prefixes: tuple[tuple[str, Meaning], ...]
    measurements: Mapping[str, Measurement]
    status_questions: Mapping[str, Concept]
    phrases: PhraseBook
    local_use: PhraseBook
    local_use_overrides: frozenset[Meaning]
    ingredients: IngredientBook
    not_relevant: Mapping[str, NotRelevant]
    not_relevant_codes: Mapping[tuple[str, str], str]

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
        for meaning, entries in _tables(folder / name, skip={"measurements", "status-questions"}):
            for code in entries:
                codes[system, code] = (*codes.get((system, code), ()), meaning)
    synonyms = _read(folder / "synonyms.toml")
    ingredients = _ingredients(folder / "ingredients.toml")
    not_relevant = _read(folder / "not-relevant.toml")
    cues = _cues(synonyms)
    return ValueSets(
        codes=codes,
        atc_prefixes=tuple(
            (prefix, meaning)
            for meaning, entries in _tables(folder / "atc.toml")
            for prefix in entries
        ),
        measurements=_measurements(folder / "loinc.toml"),
        status_questions=_status_questions(folder / "loinc.toml"),
        phrases=PhraseBook(
            {
                **_phrases(synonyms),
                **_ingredient_phrases(folder / "ingredients.toml"),
                **_not_relevant_phrases(not_relevant),
            },
            cues,
            _named(synonyms, "all-of", "synonyms.toml"),
            never_typos=_strings(_section(synonyms, "typos"), "never", "synonyms.toml, [typos]"),
            reach=_reach(synonyms),
        ),
        local_use=PhraseBook({"local-use": _section(synonyms, "local-use")["words"]}, cues),
        local_use_overrides=frozenset(
            _meaning(name, "synonyms.toml", "local-use")
            for name in _section(synonyms, "local-use")["overrides"]
        ),
        ingredients=ingredients,
        not_relevant=_not_relevant_groups(not_relevant),
        not_relevant_codes=_not_relevant_codes(not_relevant),
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


def _section(content: Mapping[str, object], name: str) -> dict[str, list[str]]:
    section = content.get(name, {})
    if not isinstance(section, dict):
        raise ValueSetError(f"synonyms.toml, [{name}]: expected a table")
    return section


def _strings(table: Mapping[str, object], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueSetError(f"{where}: {key} must list non-empty phrases")
    return value


def _named(content: dict[str, object], name: str, file: str) -> dict[str, list[str]]:
    """A table of meanings, each with a list of phrases (or, for all-of, of phrase lists)."""
    section = _section(content, name)
    for meaning, phrases in section.items():
        _meaning(meaning, file, name)
        flat = [p for item in phrases for p in (item if isinstance(item, list) else [item])]
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in flat):
            raise ValueSetError(f"{file}, [{name}]: {meaning} must list non-empty phrases")
    return section


def _phrases(synonyms: dict[str, object]) -> dict[str, list[str]]:
    """Every language's phrases, by meaning."""
    merged: dict[str, list[str]] = {}
    for table in PHRASE_TABLES:
        for meaning, phrases in _named(synonyms, table, "synonyms.toml").items():
            merged.setdefault(meaning, []).extend(phrases)
    return merged


def _cues(synonyms: dict[str, object]) -> dict[Cue, list[str]]:
    """Every language's cue words, by what they say."""
    merged: dict[Cue, list[str]] = {}
    for table in CUE_TABLES:
        for name in _section(synonyms, table):
            try:
                cue = Cue(name)
            except ValueError:
                known = ", ".join(Cue)
                raise ValueSetError(
                    f"synonyms.toml, [{table}]: unknown cue {name!r}; known cues are: {known}"
                ) from None
            merged.setdefault(cue, []).extend(
                _strings(_section(synonyms, table), name, f"synonyms.toml, [{table}]")
            )
    return merged


def _reach(synonyms: dict[str, object]) -> Reach:
    reach = _section(synonyms, "reach")
    before, after = reach.get("before", 8), reach.get("after", 5)
    if not isinstance(before, int) or not isinstance(after, int):
        raise ValueSetError("synonyms.toml, [reach]: before and after must be whole numbers")
    return Reach(before, after)


def _ingredients(path: Path) -> IngredientBook:
    content = _read(path)
    found = [_ingredient(name, table, path.name) for name, table in content.items()]
    book = IngredientBook(found)
    for ingredient in found:
        for other in (*ingredient.within, ingredient.source):
            if other and other not in book:
                raise ValueSetError(f"{path.name}, [{ingredient.id}]: no ingredient {other!r}")
    return book


def _ingredient(name: str, table: object, file: str) -> Ingredient:
    where = f"{file}, [{name}]"
    if not isinstance(table, dict) or not isinstance(table.get("name"), str):
        raise ValueSetError(f"{where}: expected a table with a 'name'")
    return Ingredient(
        id=name,
        name=table["name"],
        codes=tuple(_coding(code, where) for code in _strings(table, "codes", where)),
        within=tuple(_strings(table, "in", where)),
        source=str(table.get("from", "")),
        cross_reactive=bool(table.get("cross-reactive", False)),
    )


def _coding(text: str, where: str) -> Coding:
    system, _, code = text.partition(":")
    if system not in CODE_SYSTEMS or not code:
        known = ", ".join(CODE_SYSTEMS)
        raise ValueSetError(f"{where}: {text!r} must be system:code, the system one of {known}")
    return Coding(CODE_SYSTEMS[system], code)


def _ingredient_phrases(path: Path) -> dict[str, list[str]]:
    """Each ingredient's names in every language, as phrases meaning "ingredient:<id>"."""
    content = _read(path)
    return {
        INGREDIENT + name: [
            phrase
            for language in LANGUAGES
            for phrase in _strings(table, language, f"{path.name}, [{name}]")
        ]
        for name, table in content.items()
        if isinstance(table, dict)
    }


def _not_relevant_groups(content: dict[str, object]) -> dict[str, NotRelevant]:
    groups = {}
    for name, table in content.items():
        where = f"not-relevant.toml, [{name}]"
        if not isinstance(table, dict) or not isinstance(table.get("reason"), str):
            raise ValueSetError(f"{where}: expected a table with a 'reason'")
        try:
            kinds = frozenset(RecordKind(kind) for kind in _strings(table, "kinds", where))
        except ValueError:
            known = ", ".join(RecordKind)
            raise ValueSetError(f"{where}: kinds must be some of {known}") from None
        groups[name] = NotRelevant(name, table["reason"], kinds or frozenset(RecordKind))
    return groups


def _not_relevant_codes(content: dict[str, object]) -> dict[tuple[str, str], str]:
    found = {}
    for name, table in content.items():
        if not isinstance(table, dict):
            raise ValueSetError(f"not-relevant.toml, [{name}]: expected a table")
        for system_name, system in CODE_SYSTEMS.items():
            entries = table.get(system_name, {})
            if not isinstance(entries, dict):
                raise ValueSetError(f'not-relevant.toml, [{name}.{system_name}]: "code" = "name"')
            found.update({(system, code): name for code in entries})
    return found


def _not_relevant_phrases(content: dict[str, object]) -> dict[str, list[str]]:
    return {
        NOT_RELEVANT + name: [
            phrase
            for language in LANGUAGES
            for phrase in _strings(table, language, f"not-relevant.toml, [{name}]")
        ]
        for name, table in content.items()
        if isinstance(table, dict)
    }


def _status_questions(path: Path) -> dict[str, Concept]:
    questions = _read(path).get("status-questions", {})
    if not isinstance(questions, dict):
        raise ValueSetError(f"{path.name}, [status-questions]: expected a table")
    found = {}
    for code, entry in questions.items():
        try:
            found[code] = Concept(entry["concept"])
        except (KeyError, TypeError, ValueError) as error:
            where = f'{path.name}, [status-questions."{code}"]'
            raise ValueSetError(f"{where}: needs a known concept ({error})") from error
    return found


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
            for _, entries in _tables(path, skip={"measurements", "status-questions"})
            for c, n in entries.items()
        ]
        named += [(code, m.display) for code, m in _measurements(path).items()]
        for code, display in named:
            found.setdefault((system, code), Coding(system, code, display))
    return tuple(found.values())
