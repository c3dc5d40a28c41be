"""The shipped protocols: each rule cites its source, severities follow SPEC.md."""

import textwrap
from pathlib import Path

import pytest

from mesoclinic.clinical.concepts import Care, Concept, Severity
from mesoclinic.clinical.protocols import (
    ProtocolError,
    UnknownProtocol,
    all_protocols,
    load_protocol,
    protocols_summary,
    read_protocol_file,
)
from mesoclinic.clinical.sources import PRODUCT_DECISION
from tests.shared import SEEDS, needs_shared

REFERENCE_IDS = ["ref-000", "ref-001", "ref-002", "ref-003", "ref-004"]
SEED_FILES = {
    "ref-000": "000_96536a4db124c435.txt",
    "ref-001": "001_4ae6d9decc41d151.txt",
    "ref-002": "002_d46a59f8f7993ec9.txt",
    "ref-003": "003_abd1253b3ee41516.txt",
    "ref-004": "004_40230fbec564ed23.txt",
}


def normalised(text: str) -> str:
    """Text compared without regard to line breaks, spacing or typographic quotes."""
    for curly, plain in {"’": "'", "‘": "'", "“": '"', "”": '"'}.items():
        text = text.replace(curly, plain)
    return " ".join(text.split())


def test_the_shipped_protocols_are_the_five_references_and_standard():
    assert [p.id for p in all_protocols()] == [*REFERENCE_IDS, "standard"]
    assert {p.id: p.seed for p in all_protocols()} == {**SEED_FILES, "standard": None}
    assert {p.version for p in all_protocols()} == {1}


@needs_shared
@pytest.mark.parametrize("protocol", all_protocols(), ids=lambda p: p.id)
def test_every_rule_quotes_text_found_in_the_seed_it_names(protocol):
    seeds = {path.name: normalised(path.read_text(encoding="utf-8")) for path in SEEDS.iterdir()}
    missing = [
        (source.document, source.quote)
        for source in protocol.sources()
        if source.document != PRODUCT_DECISION
        and normalised(source.quote) not in seeds.get(source.document, "")
    ]

    assert missing == []


@pytest.mark.parametrize("protocol_id", REFERENCE_IDS)
def test_a_reference_protocol_cites_only_its_own_seed(protocol_id):
    documents = {source.document for source in load_protocol(protocol_id).sources()}

    assert documents == {SEED_FILES[protocol_id]}


def test_standard_cites_seeds_and_says_which_rules_are_product_decisions():
    documents = {source.document for source in load_protocol("standard").sources()}

    assert documents == {*SEED_FILES.values(), PRODUCT_DECISION}
    decided = [
        s.quote for s in load_protocol("standard").sources() if s.document == PRODUCT_DECISION
    ]
    assert all(len(quote.split()) >= 8 for quote in decided), "a decision says why"


def severities(protocol_id: str) -> dict[Concept, Severity]:
    return {rule.concept: rule.severity for rule in load_protocol(protocol_id).contraindications}


def test_standard_severities_are_spec_lists_exactly():
    absolute, relative, advisory = Severity.ABSOLUTE, Severity.RELATIVE, Severity.ADVISORY

    assert severities("standard") == {
        Concept.PREGNANCY: absolute,
        Concept.BREASTFEEDING: absolute,
        Concept.COAGULATION_DISORDER: absolute,
        Concept.STROKE_HISTORY: absolute,
        Concept.INSULIN_DEPENDENT_DIABETES: absolute,
        Concept.CARDIAC_MEDICATION: absolute,
        Concept.AUTOIMMUNE_DISEASE: absolute,
        Concept.ACTIVE_INFECTION: absolute,
        Concept.COMPONENT_ALLERGY: absolute,
        Concept.DIABETES: relative,
        Concept.OBESITY: relative,
        Concept.ANTICOAGULANT_THERAPY: relative,
        Concept.IMMUNOSUPPRESSION: relative,
        Concept.ANAPHYLAXIS_HISTORY: relative,
        Concept.MINOR: relative,
        Concept.LATEX_ALLERGY: advisory,
    }


def test_reference_protocols_list_what_their_seed_names_as_absolute_and_precautions_as_relative():
    absolute, relative = Severity.ABSOLUTE, Severity.RELATIVE

    assert {protocol_id: severities(protocol_id) for protocol_id in REFERENCE_IDS} == {
        "ref-000": {
            Concept.CARDIAC_MEDICATION: absolute,
            Concept.COAGULATION_DISORDER: absolute,
            Concept.STROKE_HISTORY: absolute,
            Concept.INSULIN_DEPENDENT_DIABETES: absolute,
            Concept.PREGNANCY: absolute,
            Concept.BREASTFEEDING: absolute,
        },
        "ref-001": {
            Concept.PREGNANCY: absolute,
            Concept.BREASTFEEDING: absolute,
            Concept.DIABETES: absolute,
            Concept.AUTOIMMUNE_DISEASE: absolute,
            Concept.COAGULATION_DISORDER: absolute,
            Concept.ACTIVE_INFECTION: absolute,
        },
        "ref-002": {Concept.COMPONENT_ALLERGY: relative},
        "ref-003": {Concept.COMPONENT_ALLERGY: relative},
        "ref-004": {
            Concept.PREGNANCY: absolute,
            Concept.BREASTFEEDING: absolute,
            Concept.OBESITY: absolute,
            Concept.DIABETES: absolute,
            Concept.AUTOIMMUNE_DISEASE: absolute,
            Concept.ACTIVE_INFECTION: absolute,
            Concept.COMPONENT_ALLERGY: relative,
        },
    }


def test_standard_contraindications_are_the_union_of_the_seeds():
    from_seeds = {c for pid in REFERENCE_IDS for c in severities(pid)}

    assert from_seeds <= set(severities("standard"))


def test_standard_keeps_the_strictest_preparation_windows_of_the_seeds():
    def lead(protocol_id: str, concept: Concept) -> int:
        rules = [r for r in load_protocol(protocol_id).preparation if r.concept is concept]
        return max((rule.before.span.days for rule in rules), default=0)

    for concept in (Concept.NSAID_OR_ASPIRIN, Concept.VITAMIN_E, Concept.GINKGO_OR_WILLOW_BARK):
        strictest = max(lead(protocol_id, concept) for protocol_id in REFERENCE_IDS)
        assert lead("standard", concept) == strictest, concept


def test_standard_never_instructs_a_prescription_item_on_its_own():
    prescription = {rule.id for rule in load_protocol("standard").aftercare if rule.prescription}
    prescription |= {rule.id for rule in load_protocol("standard").preparation if rule.prescription}

    assert prescription == {"steroid-pack", "diuretic"}


def test_standard_resolves_the_massage_conflict_as_not_advised():
    concepts = [rule.concept for rule in load_protocol("standard").aftercare]

    assert Care.NO_MASSAGE in concepts
    assert Care.MASSAGE not in concepts


def test_an_unknown_protocol_id_lists_the_known_ones():
    with pytest.raises(UnknownProtocol, match="no protocol 'ref-009'; the protocols are: ref-000"):
        load_protocol("ref-009")


def test_a_protocol_offers_its_first_course_as_default_and_refuses_an_unknown_one():
    standard = load_protocol("standard")

    assert standard.course().id == "course"
    assert standard.course("booster").id == "booster"
    with pytest.raises(
        LookupError, match="no course template 'weekly'; its templates: course, booster"
    ):
        standard.course("weekly")
    with pytest.raises(LookupError, match="ref-003 has no course template; its templates: none"):
        load_protocol("ref-003").course()


def test_the_protocols_summary_counts_rules_and_lists_sources():
    summary = {entry["id"]: entry for entry in protocols_summary()}

    assert summary["ref-002"] == {
        "id": "ref-002",
        "name": "Seed 002: bio-rejuvenation, 4–6 sessions 2–4 weeks apart",
        "version": 1,
        "seed": "002_d46a59f8f7993ec9.txt",
        "rules": {
            "contraindications": 1,
            "preparation": 1,
            "aftercare": 1,
            "courses": 1,
            "effects": 5,
        },
        "sources": ["002_d46a59f8f7993ec9.txt"],
    }
    assert summary["standard"]["sources"] == sorted({*SEED_FILES.values(), PRODUCT_DECISION})


GOOD = """
id = "{name}"
name = "A test protocol"
version = 2
seed = "000_96536a4db124c435.txt"
follow_up_days = 42

[[contraindications]]
concept = "pregnancy"
severity = "absolute"
source = {{ document = "000_96536a4db124c435.txt", quote = "If you are pregnant" }}

[[aftercare]]
id = "no-sun"
concept = "no-sun"
lasts = {{ hours = 48 }}
instruction = "No sun until {{until}}."
source = {{ document = "000_96536a4db124c435.txt", quote = "Avoid sun exposure" }}
"""


def write(folder: Path, text: str, name: str = "clinic-copy") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(text).format(name=name), encoding="utf-8")
    return path


def test_a_well_formed_copy_loads(tmp_path):
    protocol = read_protocol_file(write(tmp_path, GOOD))

    assert (protocol.id, protocol.version, len(protocol.contraindications)) == ("clinic-copy", 2, 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('severity = "absolute"', 'severity = "fatal"'),
            "clinic-copy.toml, contraindications[0] (pregnancy): 'severity' is 'fatal', "
            "which is not one of: absolute, relative, advisory",
        ),
        (
            ('concept = "pregnancy"', 'concept = "pregnant"'),
            "clinic-copy.toml, contraindications[0]: 'concept' is 'pregnant', which is not one of:",
        ),
        (
            ("lasts = {{ hours = 48 }}", "lasts = {{ fortnights = 1 }}"),
            "clinic-copy.toml, aftercare[0] (no-sun): 'lasts' must be",
        ),
        (
            ("No sun until {{until}}.", "No sun until {{end}}."),
            "clinic-copy.toml, aftercare[0] (no-sun): 'instruction' uses {end}; it may use only",
        ),
        (
            ("lasts = {{ hours = 48 }}", 'lasts = "open"'),
            "clinic-copy.toml, aftercare[0] (no-sun): 'instruction' uses {until}; it may use only",
        ),
        (
            ('quote = "Avoid sun exposure"', 'quote = "Avoid sun exposure", page = 2'),
            "clinic-copy.toml, aftercare[0] (no-sun), source: unknown key 'page'",
        ),
        (
            (
                'document = "000_96536a4db124c435.txt", quote = "Avoid',
                'document = "001.txt", quote = "Avoid',
            ),
            "clinic-copy.toml: a rule cites '001.txt' ('Avoid sun exposure'), but this protocol's "
            "seed is '000_96536a4db124c435.txt'",
        ),
        (
            ("version = 2", "version = 0"),
            "clinic-copy.toml: 'version' must be a whole number of at least 1",
        ),
        (
            ('id = "{name}"', 'id = "other"'),
            "clinic-copy.toml: id 'other' must match the file name",
        ),
        (("follow_up_days = 42\n", ""), "clinic-copy.toml: missing 'follow_up_days'"),
        (
            ("lasts = {{ hours = 48 }}", "lasts = {{ hours = 48 }}\nstarts = {{ hours = 72 }}"),
            "clinic-copy.toml, aftercare[0] (no-sun): "
            "it starts (72 hours) after it ends (48 hours)",
        ),
        (
            ("lasts = {{ hours = 48 }}", 'lasts = "same-day"\nstarts = {{ hours = 1 }}'),
            "clinic-copy.toml, aftercare[0] (no-sun): "
            "it starts (1 hour) after it ends (on the day)",
        ),
    ],
)
def test_a_malformed_file_names_the_file_the_rule_and_the_fault(tmp_path, change, message):
    old, new = change
    assert old in GOOD

    with pytest.raises(ProtocolError) as error:
        read_protocol_file(write(tmp_path, GOOD.replace(old, new)))

    assert str(error.value).startswith(message)


def test_a_repeated_rule_is_refused(tmp_path):
    twice = GOOD + GOOD[GOOD.index("[[aftercare]]") :]

    with pytest.raises(ProtocolError, match=r"clinic-copy.toml: aftercare\[1\] repeats 'no-sun'"):
        read_protocol_file(write(tmp_path, twice))


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    with pytest.raises(ProtocolError, match=r"clinic-copy\.toml: cannot read the file"):
        read_protocol_file(write(tmp_path, "id = \n"))


def test_a_red_flag_cannot_come_before_the_usual_course_is_over(tmp_path):
    effect = """
    [[effects]]
    effect = "bruising"
    usual_days = 10
    red_flag_after_days = 3
    source = {{ document = "000_96536a4db124c435.txt", quote = "bruising" }}
    """

    with pytest.raises(
        ProtocolError,
        match=r"effects\[0\] \(bruising\): a red flag after 3 days falls within its usual 10 days",
    ):
        read_protocol_file(write(tmp_path, GOOD + effect))


def test_a_course_needs_phases_and_a_sane_session_count(tmp_path):
    course = """
    [[courses]]
    id = "course"
    name = "Bad"
    sessions = [6, 4]
    source = {{ document = "000_96536a4db124c435.txt", quote = "Typically" }}
    """

    with pytest.raises(
        ProtocolError, match=r"courses\[0\] \(course\): 'sessions' must be \[least, most\]"
    ):
        read_protocol_file(write(tmp_path, GOOD + course))
