"""Where a rule comes from: a sentence of a seed document, or a product decision."""

from dataclasses import dataclass

PRODUCT_DECISION = "product decision"


@dataclass(frozen=True)
class Source:
    """The document a rule cites and the sentence it quotes (or, for a decision, its reason)."""

    document: str
    quote: str

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
