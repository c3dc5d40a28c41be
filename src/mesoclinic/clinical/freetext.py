"""Finding known phrases in typed text, and reading the words around them as ConText does.

A phrase is denied by a negation ("no diabetes", "Hamile değilim"), moved to someone else by a
relative ("mother had a stroke"), put in the past ("history of", "stopped"), or left uncertain
("might be pregnant"); uncertainty is never a denial. Cues reach over a clause: up to a
terminator ("but", "ali", "ama") or punctuation, and only so many words.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

BREAK = "|"
QUESTION = "?"
PREFIX = "*"
_APOSTROPHES = re.compile(r"['’‘`´]")
_SPACERS = re.compile(r"[-‐‑–—_/+:=]")
_TOKENS = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[.,;!?()\[\]{}|]")
# Serbian Cyrillic, letter by letter, as the Latin alphabet writes it once accents are dropped.
_CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдезијклмнопрстуфхцчш", "abvgdezijklmnoprstufhccs", strict=True)),
        "ђ": "dj",
        "ж": "z",
        "љ": "lj",
        "њ": "nj",
        "ћ": "c",
        "џ": "dz",
    }
)
# Letters that keep their shape when accents are dropped: Serbian đ, Turkish dotless ı.
_LETTERS = str.maketrans({"đ": "dj", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss"})


def words(text: str) -> tuple[str, ...]:
    """The plain lower-case words of `text`, with BREAK where punctuation ends a clause.

    Cyrillic is written in Latin letters and accents are dropped, so "Трудноћа", "Trudnoća" and
    "trudnoca" are one word; ":" and "-" join a question to its answer ("Pregnant: no").
    """
    plain = text.lower().translate(_CYRILLIC).translate(_LETTERS)
    plain = unicodedata.normalize("NFKD", plain)
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    plain = _SPACERS.sub(" ", _APOSTROPHES.sub("", plain))
    return tuple(
        token if token[0].isalnum() or token == QUESTION else BREAK
        for token in _TOKENS.findall(plain)
    )


class Cue(StrEnum):
    """What a cue word says about the phrases near it."""

    NEGATION = "negation"  # denies what follows: "no", "never", "nisam"
    NEGATION_AFTER = "negation-after"  # denies what precedes: "ruled out", "yok", "değilim"
    ANSWER_NO = "answer-no"  # a "no" answering what precedes, closing the clause
    ANSWER_YES = "answer-yes"  # a "yes" answering what precedes
    PSEUDO = "pseudo"  # looks like a negation but is none: "no change", "not only"
    UNCERTAIN = "uncertain"  # "might", "not sure", "možda", "olabilir", either side
    PAST = "past"  # "history of", "stopped", "ranije", before the phrase
    PAST_AFTER = "past-after"  # "… ago", "bıraktım", after the phrase
    FAMILY = "family"  # "mother", "family history", "majka", "annem", before the phrase
    FAMILY_AFTER = "family-after"  # "in the family", "u porodici", after the phrase
    TERMINATOR = "terminator"  # ends a cue's reach: "but", "ali", "ama"


@dataclass(frozen=True)
class Reach:
    """How many words a cue reaches before and after a phrase, within its clause."""

    before: int = 8
    after: int = 5


@dataclass(frozen=True)
class Found:
    """A known phrase found in a text, with what the words around it say."""

    meaning: str
    phrase: str
    denied: bool = False
    past: bool = False
    uncertain: bool = False


Pattern = tuple[str, ...]


def pattern(text: str) -> Pattern:
    """A phrase as words; a word ending in `*` matches every word it begins ("trudn*"), one
    starting with `*` every word it ends ("*caine")."""
    found: list[str] = []
    for raw in text.split():
        part = list(words(raw.strip(PREFIX)))
        if part and raw.endswith(PREFIX):
            part[-1] += PREFIX
        if part and raw.startswith(PREFIX):
            part[0] = PREFIX + part[0]
        found += part
    return tuple(found)


class Patterns:
    """Word patterns, each with what it stands for, matched longest first."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.exact: dict[str, list[tuple[Pattern, str]]] = {}
        self.prefixed: list[tuple[Pattern, str]] = []
        for text, value in entries:
            key = pattern(text)
            if not key:
                continue
            if PREFIX in key[0]:
                self.prefixed.append((key, value))
            else:
                self.exact.setdefault(key[0], []).append((key, value))
        for found in (*self.exact.values(), self.prefixed):
            # The longest pattern first, and a longer stem before a shorter one.
            found.sort(key=lambda entry: (-len(entry[0]), -len(entry[0][0])))

    def words(self) -> set[str]:
        """Every whole word the patterns name (stems left out)."""
        found = {w for key, _ in self.prefixed for w in key if PREFIX not in w}
        for entries in self.exact.values():
            found |= {w for key, _ in entries for w in key if PREFIX not in w}
        return found

    def stems(self) -> set[str]:
        """Every stem the patterns name, without its `*`."""
        return {
            w[:-1]
            for entries in (*self.exact.values(), self.prefixed)
            for key, _ in entries
            for w in key
            if w.endswith(PREFIX)
        }

    def at(self, tokens: tuple[str, ...], start: int) -> tuple[int, list[str]]:
        """The length of the longest match at `start` and everything it stands for."""
        best: Pattern = ()
        for candidates in (self.exact.get(tokens[start], ()), self.prefixed):
            key = next((k for k, _ in candidates if _matches(tokens, start, k)), ())
            if len(key) > len(best):
                best = key
        if not best:
            return 0, []
        every = [*self.exact.get(tokens[start], ()), *self.prefixed]
        return len(best), list(dict.fromkeys(value for key, value in every if key == best))


def _matches(tokens: tuple[str, ...], start: int, key: Pattern) -> bool:
    if start + len(key) > len(tokens):
        return False
    return all(
        _word_matches(token, word)
        for token, word in zip(tokens[start : start + len(key)], key, strict=True)
    )


def _word_matches(token: str, word: str) -> bool:
    if word.endswith(PREFIX):
        return token.startswith(word[:-1])
    if word.startswith(PREFIX):
        return token.endswith(word[1:]) and len(token) > len(word)
    return token == word


@dataclass(frozen=True)
class Span:
    """Tokens `start` to `end` (excluded) that are a phrase or a cue."""

    start: int
    end: int
    values: tuple[str, ...]


def spans(tokens: tuple[str, ...], patterns: Patterns, taken: set[int]) -> list[Span]:
    """Every longest match left to right, skipping tokens already taken."""
    found = []
    start = 0
    while start < len(tokens):
        width, values = (0, []) if start in taken else patterns.at(tokens, start)
        if width and not taken & set(range(start, start + width)):
            found.append(Span(start, start + width, tuple(values)))
            start += width
        else:
            start += 1
    return found


class Typos:
    """One-letter typos of longer known words: a deletion, insertion, swap or transposition."""

    def __init__(self, targets: set[str], known: set[str], stems: set[str], shortest: int = 7):
        self.known = known
        self.stems = tuple(stems)
        self.shortest = shortest
        self.index: dict[str, set[str]] = {}
        for word in targets:
            if len(word) >= shortest and word.isalpha():
                for variant in {word, *_deletions(word)}:
                    self.index.setdefault(variant, set()).add(word)
        self.seen: dict[str, str] = {}

    def corrected(self, token: str) -> str:
        """The known word `token` misspells by one letter, or `token` itself."""
        if token not in self.seen:
            self.seen[token] = self._correction(token)
        return self.seen[token]

    def _correction(self, token: str) -> str:
        if (
            len(token) < self.shortest - 1
            or not token.isalpha()
            or token in self.known
            or token.startswith(self.stems)
        ):
            return token
        candidates = {
            word
            for variant in {token, *_deletions(token)}
            for word in self.index.get(variant, ())
            if _one_edit(token, word)
        }
        return candidates.pop() if len(candidates) == 1 else token


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(typed: str, word: str) -> bool:
    """Whether one deletion, insertion, substitution or neighbour swap turns one into the other."""
    if typed == word or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) == len(word):
        differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(differ) != 2:
            return len(differ) == 1
        first, second = differ
        return second == first + 1 and (typed[first], typed[second]) == (word[second], word[first])
    shorter, longer = sorted((typed, word), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


class PhraseBook:
    """Phrases and what they mean, found as whole words (longest first) and read with their cues."""

    def __init__(
        self,
        phrases: Mapping[str, Iterable[str]],
        cues: Mapping[Cue, Iterable[str]],
        all_of: Mapping[str, Iterable[Iterable[str]]] | None = None,
        never_typos: Iterable[str] = (),
        reach: Reach = Reach(),
    ) -> None:
        self.phrases = Patterns(
            (text, meaning) for meaning, texts in phrases.items() for text in texts
        )
        self.cue_words = {cue: tuple(texts) for cue, texts in cues.items()}
        self.cues = Patterns(
            (text, cue.value) for cue, texts in self.cue_words.items() for text in texts
        )
        self.reach = reach
        self.all_of = [
            (meaning, [words(part) for part in parts])
            for meaning, groups in (all_of or {}).items()
            for parts in groups
        ]
        known = self.phrases.words() | self.cues.words() | set(never_typos)
        self.typos = Typos(
            targets=self.phrases.words() | self.cues.words(),
            known=known,
            stems=self.phrases.stems() | self.cues.stems(),
        )

    def tokens(self, text: str) -> tuple[str, ...]:
        """The words of `text`, each one-letter typo of a longer known word corrected."""
        return tuple(self.typos.corrected(token) for token in words(text))

    def find(self, text: str) -> list[Found]:
        """Every known phrase in `text`, left to right, each read with its cues."""
        tokens = self.tokens(text)
        targets = spans(tokens, self.phrases, set())
        taken = {i for span in targets for i in range(span.start, span.end)}
        cues = spans(tokens, self.cues, taken)
        found = [
            self._read(tokens, span, meaning, cues) for span in targets for meaning in span.values
        ]
        return [*found, *self._all_of(tokens)]

    def answer(self, text: str) -> Cue | None:
        """Whether `text` answers a question yes, no or uncertain ("not sure"), or None."""
        kinds = [Cue(v) for span in spans(self.tokens(text), self.cues, set()) for v in span.values]
        if Cue.UNCERTAIN in kinds:
            return Cue.UNCERTAIN
        for kind in kinds:
            if kind is Cue.ANSWER_YES:
                return kind
            if kind in (Cue.ANSWER_NO, Cue.NEGATION, Cue.NEGATION_AFTER):
                return Cue.ANSWER_NO
        return None

    def _read(self, tokens: tuple[str, ...], span: Span, meaning: str, cues: list[Span]) -> Found:
        before = _cues_before(tokens, span.start, cues, self.reach.before)
        after = _cues_after(tokens, span.end, cues, self.reach.after)
        uncertain = Cue.UNCERTAIN in before | after or _open_question(tokens, span.end, after)
        denied = not uncertain and bool(
            before & {Cue.NEGATION, Cue.FAMILY}
            or after & {Cue.NEGATION_AFTER, Cue.ANSWER_NO, Cue.FAMILY_AFTER}
        )
        past = bool(before & {Cue.PAST} or after & {Cue.PAST_AFTER})
        return Found(meaning, " ".join(tokens[span.start : span.end]), denied, past, uncertain)

    def _all_of(self, tokens: tuple[str, ...]) -> Iterable[Found]:
        for meaning, parts in self.all_of:
            if all(_contains(tokens, part) for part in parts):
                yield Found(meaning, " ".join(" ".join(part) for part in parts))


def _cue_at(cues: list[Span], index: int) -> Span | None:
    return next((span for span in cues if span.start <= index < span.end), None)


def _cues_before(tokens: tuple[str, ...], start: int, cues: list[Span], reach: int) -> set[Cue]:
    """The cues in the clause before a phrase, up to a terminator, nearest first."""
    found: set[Cue] = set()
    index = start - 1
    while index >= 0 and start - index <= reach and tokens[index] != BREAK:
        span = _cue_at(cues, index)
        if span is not None:
            kinds = {Cue(value) for value in span.values}
            if Cue.TERMINATOR in kinds:
                break
            # A "no" or "ne" before a phrase denies it, whatever it would mean after one.
            found |= {Cue.NEGATION if k is Cue.ANSWER_NO else k for k in kinds}
            index = span.start
        index -= 1
    return found - {Cue.PSEUDO}


def _cues_after(tokens: tuple[str, ...], end: int, cues: list[Span], reach: int) -> set[Cue]:
    """The cues in the clause after a phrase, up to a terminator."""
    found: set[Cue] = set()
    index = end
    while index < len(tokens) and index - end < reach and tokens[index] != BREAK:
        span = _cue_at(cues, index)
        if span is not None:
            kinds = {Cue(value) for value in span.values}
            if Cue.TERMINATOR in kinds:
                break
            if Cue.ANSWER_NO in kinds and not _closes_clause(tokens, span.end):
                # "Pregnant - no diabetes": a "no" that goes on denies what follows it.
                break
            found |= kinds
            index = span.end
            continue
        index += 1
    return found - {Cue.PSEUDO, Cue.NEGATION}


def _closes_clause(tokens: tuple[str, ...], end: int) -> bool:
    return end >= len(tokens) or tokens[end] in (BREAK, QUESTION)


def _open_question(tokens: tuple[str, ...], end: int, after: set[Cue]) -> bool:
    """Whether a question mark follows the phrase with no answer: "Pregnant?"."""
    asked = QUESTION in tokens[end : end + 2]
    return asked and not after & {Cue.ANSWER_NO, Cue.ANSWER_YES, Cue.NEGATION_AFTER}


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether `part` occurs in `tokens` as consecutive whole words."""
    width = len(part)
    return any(tokens[i : i + width] == part for i in range(len(tokens) - width + 1))


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words (ignoring case, accents and hyphens)."""
    part = words(phrase)
    return bool(part) and _contains(words(text), part)
