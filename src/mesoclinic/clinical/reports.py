"""The logic of `mesoclinic aftercare` and `mesoclinic protocols`: parse, compute, print."""

from datetime import datetime
from typing import Any

from mesoclinic.clinical.aftercare import AftercareStep, aftercare_steps
from mesoclinic.clinical.areas import area_named
from mesoclinic.clinical.protocols import UnknownProtocol, load_protocol
from mesoclinic.clinical.timing import require_aware, spoken


class UsageError(ValueError):
    """The command line asked for something impossible; the message says what to do (exit 2)."""


def parse_areas(text: str) -> list[str]:
    """Areas from `--areas face,neck`; UsageError on an unknown or missing area."""
    names = [name for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError("--areas: name at least one treated area, e.g. --areas face,neck")
    try:
        return [area_named(name) for name in names]
    except ValueError as error:
        raise UsageError(f"--areas: {error}") from error


def parse_ended(text: str) -> datetime:
    """The end of the session from `--ended 2026-03-02T10:30+01:00`; UsageError when unusable."""
    try:
        ended = datetime.fromisoformat(text.strip())
        require_aware(ended, "--ended")
    except ValueError as error:
        raise UsageError(f"--ended {text!r}: {error}") from error
    return ended


def aftercare_command(protocol_id: str, areas: str, ended: str) -> list[AftercareStep]:
    """The aftercare timeline `mesoclinic aftercare` prints; UsageError on bad arguments."""
    try:
        protocol = load_protocol(protocol_id)
    except UnknownProtocol as error:
        raise UsageError(f"--protocol: {error.args[0]}") from error
    return aftercare_steps(protocol, parse_areas(areas), parse_ended(ended))


def aftercare_text(steps: list[AftercareStep]) -> str:
    """The timeline for a person to read, one instruction per line with its source."""
    lines = []
    for step in steps:
        until = f"until {spoken(step.until)}" if step.until else "no set end"
        lines.append(f"{step.instruction}\n    [{step.concept}, {until}; {step.source.document}]")
    return "\n".join(lines)


def protocols_text(summary: list[dict[str, Any]]) -> str:
    """`mesoclinic protocols` for a person to read: one protocol per line."""
    lines = []
    for protocol in summary:
        counts = ", ".join(f"{count} {kind}" for kind, count in protocol["rules"].items())
        lines.append(f"{protocol['id']} v{protocol['version']}: {protocol['name']}\n    {counts}")
    return "\n".join(lines)
