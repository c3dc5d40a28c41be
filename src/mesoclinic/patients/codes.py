"""The codes a practitioner can pick when adding history: the codes the core's value sets name.

What each code means stays with the core; this only offers the codes and their names.
"""

from dataclasses import dataclass

from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED
from mesoclinic.clinical.valuesets import named_codes

SYSTEM_NAMES = {SNOMED: "SNOMED CT", RXNORM: "RxNorm", ATC: "ATC", LOINC: "LOINC"}
# Which terminologies fit which kind of history entry.
SYSTEMS_FOR = {
    "condition": (SNOMED,),
    "medication": (RXNORM, ATC),
    "allergy": (SNOMED, RXNORM, ATC),
    "observation": (LOINC, SNOMED),
}
MOST_RESULTS = 20


@dataclass(frozen=True)
class CodeOption:
    """One code a practitioner can choose, as FHIR writes a coding."""

    system: str
    code: str
    display: str

    @property
    def system_name(self) -> str:
        return SYSTEM_NAMES.get(self.system, self.system)

    @property
    def value(self) -> str:
        """The option as one form value: system, code and display joined by "|"."""
        return f"{self.system}|{self.code}|{self.display}"


def all_codes() -> tuple[CodeOption, ...]:
    """Every code of every value set, once each."""
    return tuple(CodeOption(c.system, c.code, c.display) for c in named_codes())


def search_codes(kind: str, query: str) -> list[CodeOption]:
    """The codes for `kind` whose name contains `query` or whose code begins with it."""
    words = query.lower().split()
    if not words:
        return []
    systems = SYSTEMS_FOR[kind]
    matches = [
        option
        for option in all_codes()
        if option.system in systems
        and (
            option.code.lower().startswith(query.lower().strip())
            or all(w in option.display.lower() for w in words)
        )
    ]
    # Names that begin with what was typed come first: "warf" → warfarin before its tablets.
    matches.sort(key=lambda o: (not o.display.lower().startswith(words[0]), len(o.display)))
    return matches[:MOST_RESULTS]


def option_from_value(kind: str, value: str) -> CodeOption | None:
    """The code option a form sent back, if it is one of the value sets' codes for `kind`."""
    system, _, rest = value.partition("|")
    code = rest.partition("|")[0]
    for option in all_codes():
        if (option.system, option.code) == (system, code) and system in SYSTEMS_FOR[kind]:
            return option
    return None
