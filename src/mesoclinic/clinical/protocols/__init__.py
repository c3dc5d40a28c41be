"""The shipped protocols: one per seed document (ref-000 … ref-004) and `standard`, the default."""

from functools import cache
from pathlib import Path
from typing import Any

from mesoclinic.clinical.protocols.files import ProtocolError, read_protocol_file
from mesoclinic.clinical.protocols.rules import (
    ALWAYS,
    AftercareRule,
    Applies,
    Contraindication,
    EffectRule,
    PreparationRule,
    Protocol,
)

__all__ = [
    "ALWAYS",
    "AftercareRule",
    "Applies",
    "Contraindication",
    "EffectRule",
    "PreparationRule",
    "Protocol",
    "ProtocolError",
    "UnknownProtocol",
    "all_protocols",
    "load_protocol",
    "protocol_ids",
    "protocols_summary",
    "read_protocol_file",
]

FOLDER = Path(__file__).parent
DEFAULT = "standard"


class UnknownProtocol(LookupError):
    """No shipped protocol has the id asked for."""


def protocol_ids() -> list[str]:
    """The ids of the shipped protocols, `standard` last."""
    ids = sorted(path.stem for path in FOLDER.glob("*.toml"))
    return sorted(ids, key=lambda protocol_id: protocol_id == DEFAULT)


@cache
def load_protocol(protocol_id: str) -> Protocol:
    """The shipped protocol `protocol_id`; UnknownProtocol when there is none."""
    if protocol_id not in protocol_ids():
        known = ", ".join(protocol_ids())
        raise UnknownProtocol(f"no protocol {protocol_id!r}; the protocols are: {known}")
    return read_protocol_file(FOLDER / f"{protocol_id}.toml")


def all_protocols() -> list[Protocol]:
    """Every shipped protocol, reference protocols first."""
    return [load_protocol(protocol_id) for protocol_id in protocol_ids()]


def protocols_summary() -> list[dict[str, Any]]:
    """What `mesoclinic protocols --json` prints: ids, versions, rule counts and sources."""
    return [_summary(protocol) for protocol in all_protocols()]


def _summary(protocol: Protocol) -> dict[str, Any]:
    return {
        "id": protocol.id,
        "name": protocol.name,
        "version": protocol.version,
        "seed": protocol.seed,
        "rules": {
            "contraindications": len(protocol.contraindications),
            "preparation": len(protocol.preparation),
            "aftercare": len(protocol.aftercare),
            "courses": len(protocol.courses),
            "effects": len(protocol.effects),
        },
        "sources": sorted({source.document for source in protocol.sources()}),
    }
