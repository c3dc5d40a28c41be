"""What a patient's history shows on a given day: the concepts present, and the records."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from typing import Any, NamedTuple, cast

from mesoclinic.clinical.concepts import (
    IMPLIES,
    LASTING,
    LONGEST_BREASTFEEDING_DAYS,
    LONGEST_PREGNANCY_DAYS,
    TOGETHER,
    Concept,
    Marker,
    Meaning,
)
from mesoclinic.clinical.facts import (
    LOINC,
    Coding,
    HistoryRecord,
    PatientFacts,
    Reaction,
    RecordKind,
)
from mesoclinic.clinical.recognition import (
    Reading,
    Understanding,
    measurement_thresholds,
    read_record,
    read_text,
    understand,
)
from mesoclinic.clinical.statuses import NEVER_VERIFIED, STATUSES, Standing, standing
from mesoclinic.clinical.teaching import NOTHING_TAUGHT, Taught

# How many days a record of these concepts stays current after its date.
STALE_AFTER = {
    Concept.PREGNANCY: LONGEST_PREGNANCY_DAYS,
    Concept.BREASTFEEDING: LONGEST_BREASTFEEDING_DAYS,
}
# What a sign's evidence concerns: the record's own meaning, never a marker of it.
_NO_SIGN = frozenset({Marker.NO_CONCERN, Marker.INGREDIENT, Marker.NOT_RELEVANT})
# Read for every sign: a member named on its enum class is looked up through the metaclass.
CURRENT, DORMANT = Standing.CURRENT, Standing.DORMANT
# The meanings concepts are made of: signs with none of them make no concept of parts.
_PARTS = frozenset(part for parts in TOGETHER.values() for part in parts)


class Evidence(NamedTuple):
    """A record a finding rests on, as shown to the practitioner: all its codes, and what matched.

    `code` is the code that matched, or the record's first code when its words did (`phrase`);
    `mapping` says which of the clinic's mappings gave the meaning, when one did. A named tuple,
    like `Coding`: screening makes one per record shown, and a tuple is built in C.
    """

    resource: str
    code: str
    display: str
    codes: tuple[Coding, ...] = ()
    phrase: str = ""
    mapping: str = ""

    def to_json(self) -> dict[str, Any]:
        """The evidence as SPEC.md's JSON shows it, with every code of the record."""
        return {
            "resource": self.resource,
            "code": self.code,
            "display": self.display,
            "codes": [
                {"system": c.system, "code": c.code, "display": c.display} for c in self.codes
            ],
            "phrase": self.phrase,
            "mapping": self.mapping,
        }


class Shown(NamedTuple):
    """What evidence of a reading shows whatever the record's dates and value: worked out once
    per content, as `Sign.evidence` would."""

    code: str
    display: str
    phrase: str
    mapping: str


class Sign(NamedTuple):
    """A record that shows a meaning, and the code or words that show it.

    `shown` is what its evidence shows, when the record's profile worked it out already.
    """

    record: HistoryRecord
    reading: Reading
    shown: Shown | None = None

    def evidence(self) -> Evidence:
        """The record as evidence: every code of it, the code or words that matched."""
        record = self.record
        shown = self.shown or shown_of(record, self.reading)
        display = shown.display
        if record.value is not None:
            display = f"{display}: {record.value:g} {record.unit}".strip()
        return evidence_from(
            (record.resource, shown.code, display, record.codes, shown.phrase, shown.mapping)
        )


# A sign or evidence from all its fields in order, made in C: calling the class runs a Python
# __new__, and screening makes one of each for nearly every record it shows (measured, with
# screening's findings made so too: some 8% of screening).
sign_from = cast(
    Callable[[tuple[HistoryRecord, Reading, Shown | None]], Sign], partial(tuple.__new__, Sign)
)
evidence_from = cast(
    Callable[[tuple[str, str, str, tuple[Coding, ...], str, str]], Evidence],
    partial(tuple.__new__, Evidence),
)


def shown_of(record: HistoryRecord, reading: Reading) -> Shown:
    """What evidence of `reading` in `record` shows, but for the record's value."""
    coding = reading.coding if reading.reaction is None else None
    first = coding or (record.codes[0] if record.codes else None)
    display = (coding.display if coding else "") or record.name
    if reading.reaction is not None:
        display = _reaction_display(record, reading.reaction)
    return Shown(
        code=first.code if first else "",
        display=display,
        phrase=reading.phrase,
        mapping=reading.lesson.note if reading.lesson else "",
    )


def _reaction_display(record: HistoryRecord, reaction: Reaction) -> str:
    severity = f" ({reaction.severity})" if reaction.severity else ""
    return f"{record.name}; reaction: {reaction.name or 'severe'}{severity}"


def exists_on(record: HistoryRecord, on: date) -> bool:
    """Whether the record had begun by `on` and was ever true (not refuted, not in error)."""
    return standing(record) is not Standing.NEVER and (record.onset is None or record.onset <= on)


def holds_on(record: HistoryRecord, on: date, lasting: bool = False) -> bool:
    """Whether the record is current on `on`; a lasting one also while inactive or in remission."""
    held = standing(record)
    current = held is Standing.CURRENT or (lasting and held is Standing.DORMANT)
    return current and (record.ended is None or record.ended > on)


def concepts_on(
    facts: PatientFacts, on: date, taught: Taught = NOTHING_TAUGHT
) -> dict[Concept, tuple[Sign, ...]]:
    """Each concept the history shows on `on`, with the signs showing it, in record order."""
    return concepts_from(signs_on(facts.records, on, taught))


def concepts_from(signs: dict[Meaning, list[Sign]]) -> dict[Concept, tuple[Sign, ...]]:
    """The concepts `signs` show, with the concepts made of parts and those implied by others."""
    add_concepts(signs)
    return {m: tuple(found) for m, found in signs.items() if isinstance(m, Concept)}


def add_concepts(signs: dict[Meaning, list[Sign]]) -> None:
    """Add to `signs` the concepts made of parts and those implied by others, as shown."""
    if not _PARTS.isdisjoint(signs):
        _add_together(signs)
    for narrower, broader in IMPLIES.items():
        if signs.get(narrower):
            signs[broader] = _merged(signs.get(broader, []), signs[narrower])


def _add_together(signs: dict[Meaning, list[Sign]]) -> None:
    """Add the concepts all of whose parts `signs` show."""
    for concept, parts in TOGETHER.items():
        if all(map(signs.get, parts)):
            # Insulin-dependent diabetes shows the diabetes records beside the insulin.
            broader = IMPLIES.get(concept)
            companions = signs.get(broader, []) if broader else []
            signs[concept] = _merged(signs.get(concept, []), companions, *(signs[p] for p in parts))


def signs_on(
    records: Sequence[HistoryRecord], on: date, taught: Taught = NOTHING_TAUGHT
) -> dict[Meaning, list[Sign]]:
    """Each concept or marker the records show on `on`, one sign per record."""
    table = profiles(taught)
    latest: dict[str, date] = {}
    candidates: list[tuple[HistoryRecord, Profile, Standing]] = []
    for record in records:
        profile = table.of(record)
        held = profile.standing(record)
        if held is Standing.NEVER or (record.onset is not None and record.onset > on):
            continue
        if profile.question is not None:
            answered(latest, profile.question, record)
        if profile.candidates:
            candidates.append((record, profile, held))
    signs: dict[Meaning, list[Sign]] = defaultdict(list)
    for record, profile, held in candidates:
        add_signs(signs, record, profile, held, on, latest)
    return signs


def answered(latest: dict[str, date], question: str, record: HistoryRecord) -> None:
    """Note when `question` was last answered (answers given the same day all stand)."""
    when = record.onset or date.min
    if when > latest.get(question, date.min):
        latest[question] = when


@dataclass(frozen=True)
class Candidate:
    """A reading that may be a sign, and what decides whether it is one on the day."""

    meaning: Meaning
    reading: Reading
    always: bool  # counts ever, whatever the record's status and dates
    lasting: bool  # holds while inactive or in remission too
    stale_after: int | None  # days after the record's date it stops being current
    shown: Shown  # what its evidence shows, but for the record's value


@dataclass(frozen=True)
class Profile:
    """What every record of one kind with the same codes, words and reactions means.

    Worked out once per distinct content and looked up once per record, so screening a chart
    reads each record once and hashes its codes once. `candidates` are the readings that can be
    a sign; whether each is one depends on the record's statuses and dates, read per record.
    """

    readings: tuple[Reading, ...]
    how: Understanding
    reason: str
    candidates: tuple[Candidate, ...]
    # The candidates that can be a sign of a record standing so: no other need be looked at.
    held: Mapping[Standing, tuple[Candidate, ...]]
    # An observation's question (a LOINC code): only its latest answer counts.
    question: str | None
    statuses: Mapping[str, Standing]
    # What else is worked out once for this content, by whoever needs it (an allergy's match).
    memo: dict[object, object]
    # Understood, never a sign, no question, no allergy: screening need read nothing more of it.
    inert: bool
    # What such a record is called (`HistoryRecord.name`), shown when it is not recognised.
    name: str
    # Not understood, or an allergy: screening notes it beyond its signs.
    notable: bool

    def standing(self, record: HistoryRecord) -> Standing:
        """Where `record` (of this profile) stands by its statuses, as `statuses.standing` says."""
        verification = record.verification
        if verification and verification in NEVER_VERIFIED:
            return Standing.NEVER
        return self.statuses.get(record.status, Standing.CURRENT)


# Each kind's statuses with "entered-in-error" among them: one lookup says where a record stands.
_STANDINGS = {
    kind: {**statuses, "entered-in-error": Standing.NEVER} for kind, statuses in STATUSES.items()
}


def add_signs(
    signs: dict[Meaning, list[Sign]],
    record: HistoryRecord,
    profile: Profile,
    held: Standing,
    on: date,
    latest: dict[str, date],
) -> None:
    """Add the signs `record` shows on `on`, one per meaning, unless a later answer replaced it."""
    if not superseded(record, profile, latest):
        add_shown(signs, record, profile.candidates, held, on)


def superseded(record: HistoryRecord, profile: Profile, latest: dict[str, date]) -> bool:
    """Whether a later answer to the record's question replaced it: the latest BMI counts."""
    question = profile.question
    return question is not None and (record.onset or date.min) < latest.get(question, date.min)


def add_shown(
    signs: dict[Meaning, list[Sign]],
    record: HistoryRecord,
    candidates: tuple[Candidate, ...],
    held: Standing,
    on: date,
) -> None:
    """Add the signs of the `candidates` (one per meaning) that `record` shows on `on`."""
    ended, onset = record.ended, record.onset
    for candidate in candidates:
        if not candidate.always:
            current = held is CURRENT or (candidate.lasting and held is DORMANT)
            if not current or (ended is not None and ended <= on):
                continue
            limit = candidate.stale_after
            if limit is not None and onset is not None and (on - onset).days > limit:
                continue  # a pregnancy record long after its date no longer says what is current
        signs.setdefault(candidate.meaning, []).append(
            sign_from((record, candidate.reading, candidate.shown))
        )


# What a profile is looked up by: a record's kind, codes, words and reactions.
Content = tuple[RecordKind, tuple[Coding, ...], str, tuple[Reaction, ...]]


class Profiles:
    """The profiles of the records screened with one clinic's mappings, by content."""

    LIMIT = 65536  # distinct contents remembered; charts repeat the same records endlessly

    def __init__(self, taught: Taught, shows: frozenset[Meaning] | None = None) -> None:
        self.taught = taught
        self.shows = shows  # the meanings whose signs are wanted; None: every one
        self.by_content: dict[Content, Profile | ByValue] = {}

    def of(self, record: HistoryRecord) -> Profile:
        """The profile of `record`: one lookup, its codes hashed once."""
        key = (record.kind, record.codes, record.text, record.reactions)
        found = self.by_content.get(key)
        return found if isinstance(found, Profile) else self.resolved(key, found, record)

    def resolved(
        self, key: Content, found: "Profile | ByValue | None", record: HistoryRecord
    ) -> Profile:
        """The profile of a record whose content is new, or whose value decides what it means."""
        if found is None:
            if len(self.by_content) >= self.LIMIT:
                self.by_content.clear()
            found = self.by_content[key] = self._made(record)
        if isinstance(found, ByValue):
            return found.of(record, self)
        return found

    def _made(self, record: HistoryRecord) -> "Profile | ByValue":
        thresholds = measurement_thresholds(record.codes)
        if thresholds:
            return ByValue(thresholds, {})
        return self.profile(record)

    def profile(self, record: HistoryRecord) -> Profile:
        """Work out what a record means: what `read_record` and `understand` say of it."""
        readings = read_record(record, self.taught)
        understood = understand(record, self.taught)
        candidates = _candidates(record, readings, self.shows)
        question = _question(record)
        return Profile(
            readings=readings,
            how=understood.how,
            reason=understood.reason,
            candidates=candidates,
            held={held: _holding(candidates, held) for held in Standing},
            question=question,
            statuses=_STANDINGS[record.kind],
            memo={},
            inert=understood.how is Understanding.MAPPED
            and not candidates
            and question is None
            and record.kind is not RecordKind.ALLERGY,
            name=record.name,
            notable=understood.how is not Understanding.MAPPED or record.kind is RecordKind.ALLERGY,
        )


@dataclass(frozen=True)
class ByValue:
    """Records with a measurement's code mean what the thresholds their value reaches say."""

    thresholds: tuple[float, ...]
    by_reached: dict[tuple[bool, ...], Profile]

    def of(self, record: HistoryRecord, table: Profiles) -> Profile:
        value = record.value
        reached = tuple(value is not None and value >= limit for limit in self.thresholds)
        found = self.by_reached.get(reached)
        if found is None:
            found = self.by_reached[reached] = table.profile(record)
        return found


@lru_cache(maxsize=64)
def profiles(taught: Taught, shows: frozenset[Meaning] | None = None) -> Profiles:
    """The profiles of records read with `taught` (one clinic's mappings), remembered; with
    `shows`, signs of those meanings alone (those a protocol's concepts are made of)."""
    return Profiles(taught, shows)


def _candidates(
    record: HistoryRecord, readings: tuple[Reading, ...], shows: frozenset[Meaning] | None
) -> tuple[Candidate, ...]:
    """The readings that can be a sign on some day, in order, the first of each meaning only:
    the others never are (whether a meaning shows depends on the meaning, not the reading)."""
    kind = record.kind
    chronic = Concept.ACTIVE_INFECTION in (r.meaning for r in readings) and any(
        r.meaning is Marker.CHRONIC_INFECTION and not r.past for r in readings
    )
    found: list[Candidate] = []
    for reading in readings:
        meaning = reading.meaning
        if meaning in _NO_SIGN or kind not in meaning.kinds:
            continue
        if shows is not None and meaning not in shows:
            continue  # no concept the protocol names is made of it
        if any(candidate.meaning is meaning for candidate in found):
            continue
        always = isinstance(meaning, Concept) and meaning.ever
        if reading.past and not always:
            continue
        lasting = meaning in LASTING or (meaning is Concept.ACTIVE_INFECTION and chronic)
        stale = STALE_AFTER.get(meaning) if isinstance(meaning, Concept) else None
        shown = shown_of(record, reading)
        found.append(Candidate(meaning, reading, always, lasting, stale, shown))
    return tuple(found)


def _holding(candidates: tuple[Candidate, ...], held: Standing) -> tuple[Candidate, ...]:
    """The candidates that can be a sign of a record standing `held`, as `add_shown` says."""
    current = held is Standing.CURRENT
    return tuple(
        c for c in candidates if c.always or current or (c.lasting and held is Standing.DORMANT)
    )


def _question(record: HistoryRecord) -> str | None:
    if record.kind is not RecordKind.OBSERVATION:
        return None
    # LOINC answers ("LA…") are answers, not questions.
    codes = [c.code for c in record.codes if c.system == LOINC and not c.code.startswith("LA")]
    return codes[0] if codes else None


def _merged(*groups: Iterable[Sign]) -> list[Sign]:
    """The signs of all groups, each record once, in order."""
    merged: list[Sign] = []
    kept: set[int] = set()  # the records' identities: two equal records are still two records
    for group in groups:
        for sign in group:
            record = id(sign.record)
            if record not in kept:
                kept.add(record)
                merged.append(sign)
    return merged


def names(signs: Iterable[Sign]) -> list[str]:
    """What each record is called, in words a patient knows, each name once."""
    found: list[str] = []
    for sign in signs:
        name = _name(sign)
        if name and name not in found:
            found.append(name)
    return found


def named(signs: Iterable[Sign]) -> str:
    """What the records are called, in words a patient knows: "ibuprofen and vitamin E"."""
    return spoken_list(names(signs))


def spoken_list(items: list[str]) -> str:
    """Names joined as prose: "a", "a and b", "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _name(sign: Sign) -> str:
    if sign.reading.phrase:
        return _cased(sign.reading.phrase)
    for text in (sign.record.text, *(c.display for c in sign.record.codes)):
        for reading in read_text(text):
            if reading.meaning == sign.reading.meaning and reading.phrase:
                return _cased(reading.phrase)
    coding = sign.reading.coding
    return (coding.display if coding else "") or sign.record.text


def _cased(phrase: str) -> str:
    """A phrase as written in prose: single letters are capitals ("vitamin E")."""
    return " ".join(word.upper() if len(word) == 1 else word for word in phrase.split())
