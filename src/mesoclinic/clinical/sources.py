"""Where a rule comes from: a sentence of a seed document, or a product decision."""

from dataclasses import dataclass

PRODUCT_DECISION = "product decision"

# The clinic's own title for each seed document it follows (a product decision: the seeds carry
# no titles of their own); the file name stays a detail.
TITLES = {
    "000_96536a4db124c435.txt": "Face and body mesotherapy: what to expect",
    "001_4ae6d9decc41d151.txt": "Everything you need to know about mesotherapy",
    "002_d46a59f8f7993ec9.txt": "Mesotherapy and bio-rejuvenation",
    "003_abd1253b3ee41516.txt": "Skin and hair mesotherapy",
    "004_40230fbec564ed23.txt": "Mesotherapy for face, neck, hands and body contouring",
    PRODUCT_DECISION: "The clinic's own decision",
}


@dataclass(frozen=True)
class Source:
    """The document a rule cites and the sentence it quotes (or, for a decision, its reason)."""

    document: str
    quote: str

    @property
    def title(self) -> str:
        """The document as the clinic calls it: its title, else its file name."""
        return TITLES.get(self.document, self.document)

    def to_json(self) -> dict[str, str]:
        """The source as SPEC.md's JSON shows it."""
        return {"document": self.document, "quote": self.quote}


DECEASED_SOURCE = Source(
    PRODUCT_DECISION, "The record says the patient has died: nothing can be booked."
)

UNRECOGNISED_SOURCE = Source(
    PRODUCT_DECISION,
    "Eligible means nothing that could matter was left unrecognised: a condition, a medicine "
    "taken now or an allergy that no value set and no mapping of the clinic recognises is "
    "reviewed by a practitioner.",
)

PRESCRIBER_SOURCE = Source(
    PRODUCT_DECISION,
    "A patient is never told to stop a prescribed anticoagulant, antiplatelet or cardiac "
    "medicine: the step says to ask the prescriber (SPEC.md).",
)
