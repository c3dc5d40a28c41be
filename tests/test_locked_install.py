"""Every machine runs the same versions: the environment is exactly requirements.lock."""

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+))?"
)
# Installed by the venv itself or by `pip install -e .`, not by the lock.
NOT_LOCKED = {"pip", "mesoclinic"}


def locked_versions() -> dict[str, str]:
    """The lock's pins that apply to this Python and platform, by canonical name."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        match = PIN.match(line)
        if match is None:
            continue
        marker = match["marker"]
        if marker is None or Marker(marker.strip()).evaluate():
            pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def installed_versions() -> dict[str, str]:
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if canonicalize_name(dist.metadata["Name"]) not in NOT_LOCKED
    }


def test_the_environment_is_exactly_the_lock():
    assert installed_versions() == locked_versions()


def test_the_lock_pins_every_package_with_hashes():
    text = LOCK.read_text()
    pins = [line for line in text.splitlines() if PIN.match(line)]
    assert len(pins) > 40
    assert text.count("--hash=sha256:") >= len(pins)
