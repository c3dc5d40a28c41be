"""The one vocabulary screening, preparation, aftercare and follow-up speak (SPEC.md)."""

from enum import StrEnum
from functools import lru_cache

from mesoclinic.clinical.facts import RecordKind

CONDITIONS = frozenset({RecordKind.CONDITION, RecordKind.OBSERVATION})
MEDICATIONS = frozenset({RecordKind.MEDICATION})
ANY_KIND = frozenset(RecordKind)


class Concept(StrEnum):
    """A clinical fact that a protocol rule can name."""

    PREGNANCY = "pregnancy"
    BREASTFEEDING = "breastfeeding"
    COAGULATION_DISORDER = "coagulation-disorder"
    ANTICOAGULANT_THERAPY = "anticoagulant-therapy"
    STROKE_HISTORY = "stroke-history"
    INSULIN_DEPENDENT_DIABETES = "insulin-dependent-diabetes"
    DIABETES = "diabetes"
    CARDIAC_MEDICATION = "cardiac-medication"
    AUTOIMMUNE_DISEASE = "autoimmune-disease"
    ACTIVE_INFECTION = "active-infection"
    OBESITY = "obesity"
    COMPONENT_ALLERGY = "component-allergy"
    LATEX_ALLERGY = "latex-allergy"
    ANAPHYLAXIS_HISTORY = "anaphylaxis-history"
    IMMUNOSUPPRESSION = "immunosuppression"
    MINOR = "minor"
    DECEASED = "deceased"
    NSAID_OR_ASPIRIN = "nsaid-or-aspirin"
    VITAMIN_E = "vitamin-e"
    GINKGO_OR_WILLOW_BARK = "ginkgo-or-willow-bark"
    CAFFEINE = "caffeine"
    STIMULANT = "stimulant"
    ALCOHOL = "alcohol"
    UNRECOGNISED = "unrecognised"

    @property
    def label(self) -> str:
        """A one-line human label."""
        return _LABELS[self]

    @property
    def ever(self) -> bool:
        """Whether a resolved or past record still counts ("ever had a stroke")."""
        return self in _EVER

    @property
    def kinds(self) -> frozenset[RecordKind]:
        """Which kinds of record can carry this concept (an aspirin allergy is no aspirin)."""
        return _KINDS.get(self, frozenset())


_LABELS = {
    Concept.PREGNANCY: "Pregnant",
    Concept.BREASTFEEDING: "Breastfeeding",
    Concept.COAGULATION_DISORDER: "Clotting or bleeding disorder, past or present",
    Concept.ANTICOAGULANT_THERAPY: "Takes an anticoagulant or antiplatelet medicine",
    Concept.STROKE_HISTORY: "Has had a stroke or TIA",
    Concept.INSULIN_DEPENDENT_DIABETES: "Diabetes treated with insulin",
    Concept.DIABETES: "Diabetes (type 1 or 2)",
    Concept.CARDIAC_MEDICATION: "Takes medication for heart disease",
    Concept.AUTOIMMUNE_DISEASE: "Autoimmune disease",
    Concept.ACTIVE_INFECTION: "Active infection",
    Concept.OBESITY: "Obesity (body mass index 30 or more)",
    Concept.COMPONENT_ALLERGY: "Allergic to an ingredient of the planned formulation",
    Concept.LATEX_ALLERGY: "Latex allergy: use latex-free gloves and equipment",
    Concept.ANAPHYLAXIS_HISTORY: "Has had anaphylaxis or carries an adrenaline auto-injector",
    Concept.IMMUNOSUPPRESSION: "Takes immunosuppressants or is immunosuppressed",
    Concept.MINOR: "Under 18 on the treatment date: needs a guardian's consent",
    Concept.DECEASED: "The record says the patient has died",
    Concept.NSAID_OR_ASPIRIN: "Takes an anti-inflammatory painkiller or aspirin",
    Concept.VITAMIN_E: "Takes vitamin E",
    Concept.GINKGO_OR_WILLOW_BARK: "Takes ginkgo biloba or willow bark",
    Concept.CAFFEINE: "Caffeine",
    Concept.STIMULANT: "Takes a prescription stimulant",
    Concept.ALCOHOL: "Alcohol",
    Concept.UNRECOGNISED: "A record screening did not understand: a practitioner reviews it",
}

_EVER = frozenset(
    {Concept.STROKE_HISTORY, Concept.COAGULATION_DISORDER, Concept.ANAPHYLAXIS_HISTORY}
)

_KINDS = {
    Concept.PREGNANCY: CONDITIONS,
    Concept.BREASTFEEDING: CONDITIONS,
    Concept.COAGULATION_DISORDER: CONDITIONS,
    Concept.ANTICOAGULANT_THERAPY: MEDICATIONS,
    Concept.STROKE_HISTORY: CONDITIONS,
    Concept.INSULIN_DEPENDENT_DIABETES: CONDITIONS,
    Concept.DIABETES: CONDITIONS,
    Concept.CARDIAC_MEDICATION: MEDICATIONS,
    Concept.AUTOIMMUNE_DISEASE: CONDITIONS,
    Concept.ACTIVE_INFECTION: CONDITIONS,
    Concept.OBESITY: CONDITIONS,
    Concept.LATEX_ALLERGY: frozenset({RecordKind.ALLERGY, RecordKind.CONDITION}),
    Concept.ANAPHYLAXIS_HISTORY: ANY_KIND,
    Concept.IMMUNOSUPPRESSION: ANY_KIND - {RecordKind.ALLERGY},
    Concept.NSAID_OR_ASPIRIN: MEDICATIONS,
    Concept.VITAMIN_E: MEDICATIONS,
    Concept.GINKGO_OR_WILLOW_BARK: MEDICATIONS,
    Concept.CAFFEINE: ANY_KIND - {RecordKind.ALLERGY},
    Concept.STIMULANT: MEDICATIONS,
    Concept.ALCOHOL: CONDITIONS,
}

# Concepts that last: a condition "inactive" or "in remission" still has them; only "resolved"
# or an end date ends them (issue 9: remission is not cure).
LASTING = frozenset(
    {Concept.AUTOIMMUNE_DISEASE, Concept.DIABETES, Concept.INSULIN_DEPENDENT_DIABETES}
)

# Concepts present when all their parts are: insulin therapy alone is insulin-dependent
# diabetes (issue 9), and beta-blockers taken for heart disease are cardiac medication.
TOGETHER: dict[Concept, tuple["Meaning", ...]] = {}

# Concepts that imply another one: every insulin-dependent diabetic is a diabetic.
IMPLIES = {Concept.INSULIN_DEPENDENT_DIABETES: Concept.DIABETES}

# A broader finding is dropped when its narrower one is found under the same protocol, so
# `standard` reports "diabetes without insulin" only when there is no insulin (SPEC.md).
NARROWER = {Concept.DIABETES: Concept.INSULIN_DEPENDENT_DIABETES}

# A record this many days after its onset can no longer be a current pregnancy (42 weeks + margin).
LONGEST_PREGNANCY_DAYS = 300
# A "currently breastfeeding" record this many days old is stale like an old pregnancy: two years,
# the longest the WHO recommends breastfeeding (product decision).
LONGEST_BREASTFEEDING_DAYS = 730

# Medicines a patient is never told to stop: the prescriber decides (SPEC.md, instructions).
PRESCRIBER_DECIDES = (Concept.ANTICOAGULANT_THERAPY, Concept.CARDIAC_MEDICATION)


class Marker(StrEnum):
    """A meaning a value set gives a record that is not itself a concept of SPEC.md."""

    INSULIN = "insulin"
    BETA_BLOCKER = "beta-blocker"
    HEART_DISEASE = "heart-disease"
    CHRONIC_INFECTION = "chronic-infection"
    INGREDIENT = "ingredient"
    NO_CONCERN = "no-concern"
    NOT_RELEVANT = "not-relevant"

    @property
    def kinds(self) -> frozenset[RecordKind]:
        """Which kinds of record can carry this marker."""
        return _MARKER_KINDS[self]


_MARKER_KINDS = {
    Marker.INSULIN: MEDICATIONS,
    Marker.BETA_BLOCKER: MEDICATIONS,
    Marker.HEART_DISEASE: CONDITIONS,
    Marker.CHRONIC_INFECTION: CONDITIONS,
    Marker.INGREDIENT: ANY_KIND,
    Marker.NO_CONCERN: ANY_KIND,
    Marker.NOT_RELEVANT: ANY_KIND,
}

Meaning = Concept | Marker


def meaning_of(name: str) -> Meaning:
    """The concept or marker called `name`; ValueError when there is none."""
    for vocabulary in (Concept, Marker):
        if name in vocabulary._value2member_map_:
            return vocabulary(name)
    known = ", ".join([*Concept, *Marker])
    raise ValueError(f"unknown concept {name!r}; known concepts are: {known}")


class Severity(StrEnum):
    """How strongly a finding speaks against treatment."""

    ABSOLUTE = "absolute"
    RELATIVE = "relative"
    ADVISORY = "advisory"

    @property
    def rank(self) -> int:
        """0 for the worst severity, so findings sort worst first."""
        return SEVERITY_RANKS[self]


# Built once: sorting findings looks each severity up, nothing is made per comparison.
SEVERITY_RANKS: dict[Severity, int] = {severity: rank for rank, severity in enumerate(Severity)}


class Verdict(StrEnum):
    """The outcome of a screening, worst finding first."""

    ELIGIBLE = "eligible"
    REVIEW = "review"
    CONTRAINDICATED = "contraindicated"
    NOT_BOOKABLE = "not-bookable"


class Care(StrEnum):
    """What an aftercare instruction is about."""

    NO_SUN = "no-sun"
    NO_SUNBED = "no-sunbed"
    SPF = "spf"
    NO_SAUNA = "no-sauna"
    NO_HOT_TUB = "no-hot-tub"
    NO_HOT_BATH = "no-hot-bath"
    NO_SHOWER = "no-shower"
    NO_EXERCISE = "no-exercise"
    NO_MASSAGE = "no-massage"
    MASSAGE = "massage"
    WATER = "water"
    WATER_DAILY = "water-daily"
    NO_CREAMS = "no-creams"
    MOISTURISER = "moisturiser"
    NO_HARSH_SKINCARE = "no-harsh-skincare"
    LITTLE_ALCOHOL_AND_SALT = "little-alcohol-and-salt"
    COLD_COMPRESS = "cold-compress"
    LOOSE_CLOTHES = "loose-clothes"
    BACK_TO_ACTIVITIES = "back-to-activities"
    STEROID_PACK = "steroid-pack"
    DIURETIC = "diuretic"


class Effect(StrEnum):
    """A side effect a patient can report after a session."""

    REDNESS = "redness"
    SWELLING = "swelling"
    BRUISING = "bruising"
    ITCHING = "itching"
    BURNING = "burning"
    PAIN = "pain"
    BLEEDING = "bleeding"
    INJECTION_MARKS = "injection-marks"
    NODULES = "nodules"
    INFECTION = "infection"
    ALLERGIC_REACTION = "allergic-reaction"
    SPREADING_REDNESS = "spreading-redness"
    FEVER = "fever"


TOGETHER.update(
    {
        Concept.INSULIN_DEPENDENT_DIABETES: (Marker.INSULIN,),
        Concept.CARDIAC_MEDICATION: (Marker.BETA_BLOCKER, Marker.HEART_DISEASE),
    }
)


@lru_cache(maxsize=64)
def meanings_showing(concepts: frozenset[Concept]) -> frozenset[Meaning]:
    """The meanings whose signs can show one of `concepts`: theirs, their parts', the narrower's."""
    wanted: set[Meaning] = set(concepts)
    grown = True
    while grown:
        before = len(wanted)
        for concept in [m for m in wanted if isinstance(m, Concept)]:
            wanted.update(_shown_with(concept))
        grown = len(wanted) > before
    return frozenset(wanted)


def _shown_with(concept: Concept) -> list[Meaning]:
    """What `concepts_from` merges into a concept's signs: its parts, its broader companion's
    and every narrower concept's."""
    broader = IMPLIES.get(concept)
    narrower = [n for n, b in IMPLIES.items() if b is concept]
    return [*TOGETHER.get(concept, ()), *([broader] if broader else []), *narrower]
