"""Reading a protocol file (TOML); a malformed one is refused with the file, rule and fault."""

import string
import tomllib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

from mesoclinic.clinical.areas import Region
from mesoclinic.clinical.concepts import Care, Concept, Effect, Severity
from mesoclinic.clinical.courses import CourseTemplate, Phase
from mesoclinic.clinical.protocols.rules import (
    AftercareRule,
    Applies,
    Contraindication,
    EffectRule,
    PreparationRule,
    Protocol,
)
from mesoclinic.clinical.sources import Source
from mesoclinic.clinical.timing import AT_ONCE, Timing, Unit
from mesoclinic.clinical.valuesets import value_sets

Choice = TypeVar("Choice", bound=StrEnum)

PREPARATION_FIELDS = frozenset({"from", "until", "day", "drug"})
AFTERCARE_FIELDS = frozenset({"from", "until"})


class ProtocolError(ValueError):
    """A protocol file that cannot be used; the message names the file, the rule and the fault."""


class Table:
    """One table of a protocol file, read key by key so that every fault says where it is."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise ProtocolError(f"{where}: expected a table, found {value!r}")
        self.values: dict[str, object] = value
        self.where = where
        self.read: set[str] = set()

    def fail(self, problem: str) -> NoReturn:
        """Refuse the file, saying where and what."""
        raise ProtocolError(f"{self.where}: {problem}")

    def get(self, key: str, required: bool = True) -> object:
        """The raw value of `key`; a missing required key is a fault."""
        self.read.add(key)
        if key not in self.values and required:
            self.fail(f"missing {key!r}")
        return self.values.get(key)

    def has(self, key: str) -> bool:
        """Whether the table sets `key`."""
        return key in self.values

    def text(self, key: str) -> str:
        """A non-empty string."""
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string, found {value!r}")
        return value

    def number(self, key: str, least: int = 0) -> int:
        """A whole number of at least `least`."""
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            self.fail(f"{key!r} must be a whole number of at least {least}, found {value!r}")
        return value

    def flag(self, key: str) -> bool:
        """A true/false value, false when absent."""
        value = self.get(key, required=False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, found {value!r}")
        return value

    def choice(self, key: str, vocabulary: type[Choice]) -> Choice:
        """One word of a vocabulary."""
        value = self.get(key)
        if not isinstance(value, str) or value not in vocabulary._value2member_map_:
            known = ", ".join(vocabulary)
            self.fail(f"{key!r} is {value!r}, which is not one of: {known}")
        return vocabulary(value)

    def span(self, key: str) -> tuple[int, int]:
        """A pair [least, most] of whole numbers."""
        value = self.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)
            or value[0] > value[1]
        ):
            self.fail(f"{key!r} must be [least, most] with 0 < least <= most, found {value!r}")
        return value[0], value[1]

    def tables(self, key: str) -> list["Table"]:
        """An array of tables, each named by its index (and id, once read)."""
        value = self.get(key, required=False) or []
        if not isinstance(value, list):
            self.fail(f"{key!r} must be an array of tables ([[{key}]])")
        return [Table(item, f"{self.where}, {key}[{index}]") for index, item in enumerate(value)]

    def table(self, key: str) -> "Table":
        """A nested table."""
        return Table(self.get(key), f"{self.where}, {key}")

    def named(self, key: str = "id") -> str:
        """Read the rule's name and add it to where faults are reported."""
        name = self.text(key)
        self.where = f"{self.where} ({name})"
        return name

    def done(self) -> None:
        """Refuse keys nobody reads: a typo must not silently drop a rule's meaning."""
        unknown = sorted(set(self.values) - self.read)
        if unknown:
            self.fail(
                f"unknown key {unknown[0]!r}; expected one of: {', '.join(sorted(self.read))}"
            )


def read_protocol_file(path: Path) -> Protocol:
    """The protocol in `path`; ProtocolError when the file is malformed."""
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProtocolError(f"{path.name}: cannot read the file: {error}") from error
    top = Table(content, path.name)
    protocol = _protocol(top, path)
    top.done()
    _check_sources(protocol, path.name)
    return protocol


def _protocol(top: Table, path: Path) -> Protocol:
    protocol_id = top.text("id")
    if protocol_id != path.stem:
        top.fail(f"id {protocol_id!r} must match the file name {path.stem!r}")
    seed = top.text("seed") if top.has("seed") else None
    return Protocol(
        id=protocol_id,
        name=top.text("name"),
        version=top.number("version", least=1),
        seed=seed,
        follow_up_days=top.number("follow_up_days", least=1),
        contraindications=_unique(
            [_contraindication(t) for t in top.tables("contraindications")],
            lambda rule: rule.concept.value,
            top,
            "contraindications",
        ),
        preparation=_unique(
            [_preparation(t) for t in top.tables("preparation")],
            lambda rule: rule.id,
            top,
            "preparation",
        ),
        aftercare=_unique(
            [_aftercare(t) for t in top.tables("aftercare")], lambda rule: rule.id, top, "aftercare"
        ),
        courses=_unique(
            [_course(t) for t in top.tables("courses")], lambda rule: rule.id, top, "courses"
        ),
        effects=_unique(
            [_effect(t) for t in top.tables("effects")],
            lambda rule: rule.effect.value,
            top,
            "effects",
        ),
    )


Rule = TypeVar("Rule")


def _unique(
    rules: list[Rule], key: Callable[[Rule], str], top: Table, section: str
) -> tuple[Rule, ...]:
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        name = key(rule)
        if name in seen:
            top.fail(f"{section}[{index}] repeats {name!r}; each may appear once")
        seen.add(name)
    return tuple(rules)


def _source(rule: Table, key: str = "source") -> Source:
    table = rule.table(key)
    source = Source(table.text("document"), " ".join(table.text("quote").split()))
    table.done()
    return source


def _timing(rule: Table, key: str) -> Timing:
    value = rule.get(key)
    if isinstance(value, str) and value in (Unit.SAME_DAY, Unit.OPEN):
        return Timing(Unit(value))
    table = Table(value, f"{rule.where}, {key}")
    units = [unit for unit in (Unit.HOURS, Unit.DAYS, Unit.WEEKS) if table.has(unit)]
    if len(units) != 1:
        rule.fail(
            f'{key!r} must be "same-day", "open" or one of {{hours = N}}, '
            f"{{days = N}}, {{weeks = N}}; found {value!r}"
        )
    timing = Timing(units[0], table.number(units[0]))
    table.done()
    return timing


def _regions(rule: Table) -> frozenset[Region]:
    value = rule.get("regions", required=False) or []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v in Region._value2member_map_ for v in value
    ):
        rule.fail(f"'regions' must be a list of: {', '.join(Region)}; found {value!r}")
    return frozenset(Region(v) for v in value)


def _fields(rule: Table, text: str, allowed: frozenset[str]) -> None:
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        rule.fail(f"'instruction' is not a valid template ({error}): {text!r}")
    unknown = used - allowed
    if unknown:
        rule.fail(
            f"'instruction' uses {{{sorted(unknown)[0]}}}; it may use only "
            + ", ".join(f"{{{name}}}" for name in sorted(allowed))
        )


def _contraindication(rule: Table) -> Contraindication:
    concept = rule.choice("concept", Concept)
    rule.where = f"{rule.where} ({concept})"
    result = Contraindication(concept, rule.choice("severity", Severity), _source(rule))
    rule.done()
    return result


def _allergen(rule: Table) -> str:
    """The ingredient or group a step is withheld for, checked against the vocabulary."""
    if not rule.has("unless_allergic_to"):
        return ""
    allergen = rule.text("unless_allergic_to")
    if allergen not in value_sets().ingredients:
        rule.fail(f"'unless_allergic_to' names no ingredient of ingredients.toml: {allergen!r}")
    return allergen


def _preparation(rule: Table) -> PreparationRule:
    name = rule.named()
    concept = rule.choice("concept", Concept) if rule.has("concept") else None
    default = Applies.IF_RECORDED if concept else Applies.ALWAYS
    applies = rule.choice("applies", Applies) if rule.has("applies") else default
    if applies is Applies.IF_RECORDED and concept is None:
        rule.fail("a step that applies \"if-recorded\" needs the 'concept' it is recorded as")
    instruction = rule.text("instruction")
    _fields(
        rule, instruction, PREPARATION_FIELDS - ({"drug"} if applies is Applies.ALWAYS else set())
    )
    result = PreparationRule(
        id=name,
        instruction=instruction,
        before=_timing(rule, "before"),
        source=_source(rule),
        concept=concept,
        applies=applies,
        regions=_regions(rule),
        prescription=rule.flag("prescription"),
        unless_allergic_to=_allergen(rule),
    )
    if result.before.unit is Unit.OPEN:
        rule.fail("'before' cannot be \"open\": a preparation step starts at a known time")
    rule.done()
    return result


def _aftercare(rule: Table) -> AftercareRule:
    name = rule.named()
    instruction = rule.text("instruction")
    lasts = _timing(rule, "lasts")
    starts = _timing(rule, "starts") if rule.has("starts") else AT_ONCE
    _fields(rule, instruction, AFTERCARE_FIELDS - ({"until"} if lasts.unit is Unit.OPEN else set()))
    if starts.unit not in (Unit.HOURS, Unit.DAYS, Unit.WEEKS):
        rule.fail("'starts' must be {hours = N}, {days = N} or {weeks = N}")
    if _ends_before_it_starts(starts, lasts):
        rule.fail(f"it starts ({starts.describe()}) after it ends ({lasts.describe()})")
    result = AftercareRule(
        id=name,
        concept=rule.choice("concept", Care),
        instruction=instruction,
        lasts=lasts,
        source=_source(rule),
        starts=starts,
        regions=_regions(rule),
        prescription=rule.flag("prescription"),
    )
    rule.done()
    return result


def _ends_before_it_starts(starts: Timing, lasts: Timing) -> bool:
    """Whether a step that `starts` later could end first (a same-day step ends at midnight)."""
    if lasts.unit is Unit.SAME_DAY:
        return bool(starts.span)
    return bool(lasts.span) and starts.span > lasts.span


def _phase(table: Table) -> Phase:
    low, high = table.span("interval_days")
    phase = Phase(
        low, high, _source(table), table.number("sessions", 1) if table.has("sessions") else None
    )
    table.done()
    return phase


def _course(rule: Table) -> CourseTemplate:
    name = rule.named()
    low, high = rule.span("sessions")
    phases = tuple(_phase(table) for table in rule.tables("phases"))
    if not phases or any(phase.sessions is None for phase in phases[:-1]):
        rule.fail("'phases' needs at least one phase, and only the last may leave out 'sessions'")
    minutes = rule.span("minutes") if rule.has("minutes") else None
    course = CourseTemplate(
        id=name,
        name=rule.text("name"),
        sessions_min=low,
        sessions_max=high,
        phases=phases,
        source=_source(rule),
        minutes=minutes,
        minutes_source=_source(rule, "minutes_source") if minutes else None,
    )
    rule.done()
    return course


def _effect(rule: Table) -> EffectRule:
    effect = rule.choice("effect", Effect)
    rule.where = f"{rule.where} ({effect})"
    usual, red_flag = rule.number("usual_days"), rule.number("red_flag_after_days")
    if 0 < red_flag < usual:
        rule.fail(f"a red flag after {red_flag} days falls within its usual {usual} days")
    result = EffectRule(effect, usual, red_flag, _source(rule))
    rule.done()
    return result


def _check_sources(protocol: Protocol, file_name: str) -> None:
    """A reference protocol quotes only its own seed; any protocol may record a product decision."""
    allowed = {protocol.seed} if protocol.seed else None
    for source in protocol.sources():
        if allowed and source.document not in allowed:
            raise ProtocolError(
                f"{file_name}: a rule cites {source.document!r} ({source.quote!r}), "
                f"but this protocol's seed is {protocol.seed!r}"
            )
