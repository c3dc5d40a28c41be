"""Finding known phrases in text typed by hand, and reading the words that deny or date them."""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BREAK = "|"
_APOSTROPHES = re.compile(r"['’‘`´]")
_SPACERS = re.compile(r"[-‐‑–—_/+]")
_TOKENS = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[.,;:!?()\[\]{}|]")


def words(text: str) -> tuple[str, ...]:
    """The lower-case words of `text`, with BREAK where punctuation ends a clause."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    plain = _SPACERS.sub(" ", _APOSTROPHES.sub("", plain))
    return tuple(token if token[0].isalnum() else BREAK for token in _TOKENS.findall(plain))


@dataclass(frozen=True)
class Cues:
    """Words around a phrase that deny it, date it, or say it is about someone else."""

    look_back: int
    negation: frozenset[str]
    negation_after: frozenset[str]
    past: frozenset[str]
    someone_else: frozenset[str]
    clause_breaks: frozenset[str]


@dataclass(frozen=True)
class Found:
    """A known phrase found in a text, with what the words around it say."""

    meaning: str
    phrase: str
    denied: bool = False
    past: bool = False


class PhraseBook:
    """Phrases and the meanings they carry, found as whole words, the longest first."""

    def __init__(
        self,
        phrases: Mapping[str, Iterable[str]],
        cues: Cues,
        all_of: Mapping[str, Iterable[Iterable[str]]] | None = None,
    ) -> None:
        self.cues = cues
        self.by_first_word: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for meaning, texts in phrases.items():
            for text in texts:
                key = words(text)
                self.by_first_word.setdefault(key[0], []).append((key, meaning))
        for entries in self.by_first_word.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self.all_of = [
            (meaning, [words(part) for part in parts])
            for meaning, groups in (all_of or {}).items()
            for parts in groups
        ]

    def find(self, text: str) -> list[Found]:
        """Every known phrase in `text`, left to right, each read with its cues."""
        tokens = words(text)
        return [*self._phrases(tokens), *self._all_of(tokens)]

    def _phrases(self, tokens: tuple[str, ...]) -> Iterable[Found]:
        start = 0
        while start < len(tokens):
            match = self._longest_at(tokens, start)
            if match is None:
                start += 1
                continue
            key, meaning = match
            end = start + len(key)
            yield self._read(tokens, start, end, meaning)
            start = end

    def _longest_at(
        self, tokens: tuple[str, ...], start: int
    ) -> tuple[tuple[str, ...], str] | None:
        for key, meaning in self.by_first_word.get(tokens[start], ()):
            if tokens[start : start + len(key)] == key:
                return key, meaning
        return None

    def _read(self, tokens: tuple[str, ...], start: int, end: int, meaning: str) -> Found:
        before = set(self._clause_before(tokens, start))
        after = set(self._clause_after(tokens, end))
        cues = self.cues
        denied = bool(before & (cues.negation | cues.someone_else) or after & cues.negation_after)
        return Found(meaning, " ".join(tokens[start:end]), denied, bool(before & cues.past))

    def _clause_before(self, tokens: tuple[str, ...], start: int) -> list[str]:
        clause: list[str] = []
        for token in reversed(tokens[max(0, start - self.cues.look_back) : start]):
            if token == BREAK or token in self.cues.clause_breaks:
                break
            clause.append(token)
        return clause

    def _clause_after(self, tokens: tuple[str, ...], end: int) -> list[str]:
        clause: list[str] = []
        for token in tokens[end : end + 2]:
            if token == BREAK or token in self.cues.clause_breaks:
                break
            clause.append(token)
        return clause

    def _all_of(self, tokens: tuple[str, ...]) -> Iterable[Found]:
        for meaning, parts in self.all_of:
            if all(_contains(tokens, part) for part in parts):
                yield Found(meaning, " ".join(" ".join(part) for part in parts))


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether `part` occurs in `tokens` as consecutive whole words."""
    width = len(part)
    return any(tokens[i : i + width] == part for i in range(len(tokens) - width + 1))


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words (ignoring case, accents and hyphens)."""
    part = words(phrase)
    return bool(part) and _contains(words(text), part)
