"""Where on the body a session treats, and which areas count as the face."""

import unicodedata
from collections.abc import Iterable
from enum import StrEnum


class Region(StrEnum):
    """A group of areas that share aftercare: the face proper, or a body area under clothes."""

    FACE = "face"
    NECK = "neck"
    SCALP = "scalp"
    HANDS = "hands"
    BODY = "body"

    @property
    def face_like(self) -> bool:
        """Rejuvenation areas (face, neck, décolleté, scalp, hands), not body contouring."""
        return self is not Region.BODY


AREAS = {
    "face": Region.FACE,
    "forehead": Region.FACE,
    "eyes": Region.FACE,
    "cheeks": Region.FACE,
    "lips": Region.FACE,
    "chin": Region.FACE,
    "jawline": Region.FACE,
    "neck": Region.NECK,
    "décolleté": Region.NECK,
    "scalp": Region.SCALP,
    "hands": Region.HANDS,
    "abdomen": Region.BODY,
    "flanks": Region.BODY,
    "hips": Region.BODY,
    "thighs": Region.BODY,
    "buttocks": Region.BODY,
    "arms": Region.BODY,
    "knees": Region.BODY,
    "back": Region.BODY,
}

# Other names people type for the same areas (seed 004 says "décolletage", seed 001 "cleavage").
ALIASES = {
    "eye area": "eyes",
    "under eyes": "eyes",
    "decollete": "décolleté",
    "décolletage": "décolleté",
    "decolletage": "décolleté",
    "cleavage": "décolleté",
    "hair": "scalp",
    "love handles": "flanks",
    "belly": "abdomen",
    "stomach": "abdomen",
}


def area_named(name: str) -> str:
    """The vocabulary's name for an area typed by a person; ValueError when unknown."""
    key = " ".join(name.strip().lower().replace("-", " ").split())
    key = unicodedata.normalize("NFC", key)
    key = ALIASES.get(key, key)
    if key not in AREAS:
        raise ValueError(f"unknown area {name!r}; known areas are: {', '.join(AREAS)}")
    return key


def regions_of(areas: Iterable[str]) -> frozenset[Region]:
    """The regions a session treats, from its area names."""
    return frozenset(AREAS[area_named(area)] for area in areas)
