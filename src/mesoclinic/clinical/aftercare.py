"""Aftercare: dated instructions with exact end times, from the end of a session."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mesoclinic.clinical.areas import regions_of
from mesoclinic.clinical.protocols import AftercareRule, Protocol
from mesoclinic.clinical.sources import Source
from mesoclinic.clinical.timing import require_aware, shifted, spoken, window_end


@dataclass(frozen=True)
class AftercareStep:
    """One instruction after a session, from `from_` until `until` (None: no set end)."""

    instruction: str
    concept: str
    from_: datetime
    until: datetime | None
    source: Source


def aftercare_steps(
    protocol: Protocol, areas: Iterable[str], ended_at: datetime, prescribed: Collection[str] = ()
) -> list[AftercareStep]:
    """The aftercare timeline for a session on `areas` ended at `ended_at`, soonest end first."""
    require_aware(ended_at, "The end of the session")
    regions = regions_of(areas)
    if not regions:
        raise ValueError("name at least one treated area, e.g. face")
    steps = [
        _step(rule, ended_at)
        for rule in protocol.aftercare
        # A prescription item only once a prescriber added its rule id to the plan (SPEC.md).
        if (not rule.prescription or rule.id in prescribed)
        and (not rule.regions or rule.regions & regions)
    ]
    return sorted(steps, key=_soonest)


def _soonest(step: AftercareStep) -> tuple[bool, float, float]:
    # Compared as instants: two times in one zone compare by their clock, even across a change.
    return step.until is None, (step.until or step.from_).timestamp(), step.from_.timestamp()


def _step(rule: AftercareRule, ended_at: datetime) -> AftercareStep:
    begins = shifted(ended_at, rule.starts.span)
    ends = window_end(ended_at, rule.lasts)
    fields = {"from": spoken(begins), "until": spoken(ends) if ends else ""}
    return AftercareStep(
        rule.instruction.format(**fields), rule.concept.value, begins, ends, rule.source
    )


def aftercare_to_json(steps: Iterable[AftercareStep]) -> list[dict[str, Any]]:
    """The timeline as `mesoclinic aftercare --json` prints it (SPEC.md)."""
    return [
        {
            "instruction": step.instruction,
            "concept": step.concept,
            "from": step.from_.isoformat(),
            "until": step.until.isoformat() if step.until else None,
            "source": step.source.to_json(),
        }
        for step in steps
    ]
