"""Screening speed: synthetic patients screened under `standard`, in patients per second.

Run as `python bench/bench_screening.py [--patients 10000] [--runs 5] [--seed 2026]`. The patients
are generated from a fixed seed: coded and typed records, current and past, of every concept
`standard` names and of things no value set knows. Prints the median of the runs, and beside it
the rate of a bare pass over the same records (every field screening reads, read once, nothing
done with it) and how many times slower screening is. Both are timed in this process's own CPU
time (one core), so other work on a shared machine moves them little.

With `--recognition-set`, it also screens the recognition test set (tests/clinical/
recognition_set: FHIR patients in English, Serbian and Turkish with their expected findings)
and prints recall and precision per concept. `--context medspacy|medspacy-en|negspacy` reads
the words around each phrase with that clinical NLP library instead of the built-in ConText
rules (the library must be installed; it is not a dependency): medspacy's ConText with its
default English rules and the shipped Serbian and Turkish cues, with its English rules alone,
or negspacy's NegEx (en_clinical terms and the shipped negation cues). Each library gets the
same words and phrases; only the reading of their context differs.
"""

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mesoclinic.clinical.facts import (
    ATC,
    LOINC,
    RXNORM,
    SNOMED,
    Coding,
    HistoryRecord,
    PatientFacts,
    RecordKind,
)
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import Product, screen

ROOT = Path(__file__).resolve().parents[1]
ON = date(2026, 11, 21)
CONDITION, MEDICATION = RecordKind.CONDITION, RecordKind.MEDICATION
ALLERGY, OBSERVATION = RecordKind.ALLERGY, RecordKind.OBSERVATION
PLAN = (Product("Revitalising cocktail", ("hyaluronic acid", "lidocaine", "vitamin C")),)


def coded(kind: RecordKind, system: str, code: str, display: str) -> HistoryRecord:
    return HistoryRecord("", kind, (Coding(system, code, display),))


def typed(kind: RecordKind, text: str) -> HistoryRecord:
    return HistoryRecord("", kind, text=text)


# What charts hold: mostly things no rule names, some that every protocol cares about.
TEMPLATES = [
    coded(CONDITION, SNOMED, "160903007", "Full-time employment (finding)"),
    coded(CONDITION, SNOMED, "73595000", "Stress (finding)"),
    coded(CONDITION, SNOMED, "59621000", "Essential hypertension (disorder)"),
    coded(CONDITION, SNOMED, "444814009", "Viral sinusitis (disorder)"),
    coded(CONDITION, SNOMED, "15777000", "Prediabetes"),
    coded(CONDITION, SNOMED, "44054006", "Diabetes mellitus type 2 (disorder)"),
    coded(CONDITION, SNOMED, "72892002", "Normal pregnancy"),
    coded(CONDITION, SNOMED, "19169002", "Miscarriage in first trimester"),
    coded(CONDITION, SNOMED, "162864005", "Body mass index 30+ - obesity (finding)"),
    coded(CONDITION, SNOMED, "414545008", "Ischemic heart disease (disorder)"),
    coded(MEDICATION, RXNORM, "314076", "lisinopril 10 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "310965", "Ibuprofen 200 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "849574", "Naproxen sodium 220 MG Oral Tablet"),
    coded(MEDICATION, RXNORM, "860975", "24 HR Metformin hydrochloride 500 MG Extended Release"),
    coded(MEDICATION, RXNORM, "106892", "insulin isophane, human 70 UNT/ML [Humulin]"),
    coded(MEDICATION, RXNORM, "866412", "24 HR metoprolol succinate 100 MG Extended Release"),
    coded(MEDICATION, ATC, "B01AF02", "apixaban"),
    coded(ALLERGY, SNOMED, "111088007", "Latex (substance)"),
    coded(ALLERGY, SNOMED, "782576004", "Tree pollen (substance)"),
    coded(ALLERGY, RXNORM, "1191", "Aspirin"),
    typed(CONDITION, "Not pregnant"),
    typed(CONDITION, "Family history of stroke"),
    typed(CONDITION, "Cold sore on the upper lip"),
    typed(MEDICATION, "Vitamin E 400 IU daily"),
    typed(MEDICATION, "Ginkgo biloba supplement"),
    typed(ALLERGY, "Lidocaine"),
    HistoryRecord("", OBSERVATION, (Coding(LOINC, "39156-5", "BMI"),), value=27.0, unit="kg/m2"),
]
STATUSES = ["active"] * 6 + ["resolved", "stopped", "inactive", "completed"]


def synthetic_patient(rng: random.Random, number: int) -> PatientFacts:
    """One patient: an age from 15 to 85 and 3 to 25 records, each its own resource."""
    records = []
    for index in range(rng.randint(3, 25)):
        template = rng.choice(TEMPLATES)
        onset = ON - timedelta(days=rng.randint(0, 20 * 365))
        records.append(
            replace(
                template,
                resource=f"Record/{number}-{index}",
                status=rng.choice(STATUSES),
                onset=onset,
                value=template.value if template.value is None else rng.uniform(18, 40),
            )
        )
    born = ON - timedelta(days=rng.randint(15 * 365, 85 * 365))
    return PatientFacts(born, deceased=rng.random() < 0.01, records=tuple(records))


def patients_per_second(patients: list[PatientFacts]) -> float:
    """One run: every patient screened once."""
    standard = load_protocol("standard")
    started = time.process_time()
    for facts in patients:
        screen(facts, standard, ON, PLAN)
    return len(patients) / (time.process_time() - started)


def bare_patients_per_second(patients: list[PatientFacts]) -> float:
    """One bare pass: every field screening reads of every record, read once and dropped."""
    started = time.process_time()
    for facts in patients:
        _ = facts.birth_date, facts.deceased
        for r in facts.records:
            _ = r.kind, r.status, r.verification, r.onset, r.ended, r.value, r.text, r.reactions
            for coding in r.codes:
                _ = coding.system, coding.code, coding.display
    return len(patients) / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--recognition-set", action="store_true")
    parser.add_argument(
        "--context", choices=["built-in", "medspacy", "medspacy-en", "negspacy"], default="built-in"
    )
    options = parser.parse_args()
    if options.context != "built-in":
        use_library(options.context)

    rng = random.Random(options.seed)
    patients = [synthetic_patient(rng, number) for number in range(options.patients)]
    records = sum(len(facts.records) for facts in patients)
    rates = [patients_per_second(patients) for _ in range(options.runs)]
    rate = statistics.median(rates)
    bare = statistics.median(bare_patients_per_second(patients) for _ in range(options.runs))
    print(
        f"screen under standard: {options.patients:,} patients ({records:,} records), "
        f"median of {options.runs} runs: {rate:,.0f} patients/s"
    )
    print(f"bare pass over the same records: {bare:,.0f} patients/s; screening {bare / rate:.1f}×")
    if options.recognition_set:
        print_recognition_set()


def use_library(name: str) -> None:
    """Read the cues around each phrase with a clinical NLP library, not the built-in rules."""
    from functools import partial

    from mesoclinic.clinical.freetext import Found, PhraseBook
    from mesoclinic.clinical.valuesets import value_sets

    book = value_sets().phrases
    reader = negspacy_reader(book) if name == "negspacy" else medspacy_reader(book, name)

    def read(self: PhraseBook, tokens: tuple[str, ...], span, meaning, cues) -> Found:
        denied, past, uncertain = reader(tokens, span.start, span.end)
        phrase = " ".join(tokens[span.start : span.end])
        return Found(meaning, phrase, denied and not uncertain, past, uncertain)

    book._read = partial(read, book)  # type: ignore[method-assign]  # the measured swap


# The built-in cue kinds as ConText categories and directions.
CONTEXT_RULES = {
    "negation": ("NEGATED_EXISTENCE", "FORWARD"),
    "negation-after": ("NEGATED_EXISTENCE", "BACKWARD"),
    "answer-no": ("NEGATED_EXISTENCE", "BIDIRECTIONAL"),
    "pseudo": ("PSEUDO", "PSEUDO"),
    "uncertain": ("POSSIBLE_EXISTENCE", "BIDIRECTIONAL"),
    "past": ("HISTORICAL", "FORWARD"),
    "past-after": ("HISTORICAL", "BACKWARD"),
    "family": ("FAMILY", "FORWARD"),
    "family-after": ("FAMILY", "BACKWARD"),
    "terminator": ("TERMINATE", "TERMINATE"),
}


def shipped_cues(book, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(cue words, cue kind) of the shipped cue tables of these languages."""
    import tomllib

    from mesoclinic.clinical import valuesets

    synonyms = tomllib.loads((Path(valuesets.__file__).parent / "synonyms.toml").read_text())
    tables = {"en": "cues", "sr": "cues-sr", "tr": "cues-tr"}
    return [
        (text, kind)
        for language in languages
        for kind, texts in synonyms[tables[language]].items()
        for text in texts
    ]


def spacy_doc(nlp, tokens: tuple[str, ...], start: int, end: int):
    from spacy.tokens import Doc, Span

    doc = Doc(nlp.vocab, words=list(tokens))
    # One sentence: the clause breaks are terminators (see the rules).
    for index, token in enumerate(doc):
        token.is_sent_start = index == 0
    doc.ents = [Span(doc, start, end, label="TARGET")]
    return doc


def medspacy_reader(book, name: str):
    import spacy
    from medspacy.context import ConText, ConTextRule

    nlp = spacy.blank("en")
    context = nlp.add_pipe("medspacy_context", config={"rules": "default"})
    assert isinstance(context, ConText)
    # Clause breaks (punctuation) end a cue's reach, as they do in the built-in rules.
    rules = [ConTextRule("|", "TERMINATE", direction="TERMINATE")]
    languages = ("sr", "tr") if name == "medspacy" else ()
    for text, kind in shipped_cues(book, languages):
        if kind not in CONTEXT_RULES:
            continue  # a "yes" answer changes nothing in ConText
        category, direction = CONTEXT_RULES[kind]
        pattern = [
            {"LOWER": {"REGEX": f"^{w[:-1]}"}} if w.endswith("*") else {"LOWER": w}
            for w in text.split()
        ]
        rules.append(ConTextRule(text, category, pattern=pattern, direction=direction))
    context.add(rules)

    def read(tokens: tuple[str, ...], start: int, end: int) -> tuple[bool, bool, bool]:
        entity = nlp(spacy_doc(nlp, tokens, start, end)).ents[0]
        denied = entity._.is_negated or entity._.is_family
        return denied, entity._.is_historical, entity._.is_uncertain

    return read


def negspacy_reader(book):
    import spacy
    from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
    from negspacy.termsets import termset

    terms = termset("en_clinical")
    kinds = {
        "negation": "preceding_negations",
        "answer-no": "following_negations",
        "negation-after": "following_negations",
        "pseudo": "pseudo_negations",
        "terminator": "termination",
    }
    extra: dict[str, list[str]] = {}
    for text, kind in shipped_cues(book, ("sr", "tr")):
        if kind in kinds and not text.endswith("*"):
            extra.setdefault(kinds[kind], []).append(text)
    extra.setdefault("termination", []).append("|")
    terms.add_patterns(extra)
    nlp = spacy.blank("en")
    nlp.add_pipe("negex", config={"neg_termset": terms.get_patterns(), "ent_types": ["TARGET"]})

    def read(tokens: tuple[str, ...], start: int, end: int) -> tuple[bool, bool, bool]:
        entity = nlp(spacy_doc(nlp, tokens, start, end)).ents[0]
        return entity._.negex, False, False

    return read


def phrases_read() -> tuple[int, float]:
    """How many phrases the set's typed words hold, and how long reading them all takes (cold)."""
    from mesoclinic.clinical.valuesets import value_sets

    sys.path.insert(0, str(ROOT))
    from tests.clinical.recognition_set import patients

    texts = [
        text
        for facts in patients().values()
        for record in facts.records
        for text in (record.text, *(r.text for r in record.reactions))
        if text
    ]
    book = value_sets().phrases
    started = time.perf_counter()
    found = sum(len(book.find(text)) for text in texts)
    return found, time.perf_counter() - started


def print_recognition_set() -> None:
    """Recall and precision per concept on the recognition test set, and its screening time."""
    sys.path.insert(0, str(ROOT))
    from tests.clinical.recognition_set import expected, outcomes, scores, scores_table

    started = time.perf_counter()
    found = outcomes()
    took = time.perf_counter() - started
    mentions = phrases_read()
    print(
        f"recognition set: {len(expected()['patients'])} patients screened in {took:.2f} s; "
        f"{mentions[0]} typed phrases read in {mentions[1] * 1000:.1f} ms"
    )
    print(scores_table(scores(found)))


if __name__ == "__main__":
    main()
