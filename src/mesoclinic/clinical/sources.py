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
