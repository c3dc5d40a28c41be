"""The official FHIR R4 examples of the types we keep: each imports or is rejected with a reason.

The examples come from the npm registry (`npm pack hl7.fhir.r4.examples`) into a cache under
`var/`; without npm or without the registry the test skips and says why.
"""

import re
import shutil
import subprocess
import tarfile

import pytest

from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.kinds import SUPPORTED
from mesoclinic.fhir.sources import Source
from tests.shared import ROOT

PACKAGE = "hl7.fhir.r4.examples"
CACHE = ROOT / "var" / "cache" / "npm"
EXAMPLE = re.compile(rf"package/({'|'.join([*SUPPORTED, 'Medication'])})-[^/]+\.json$")
# Every reason the importer gives for these examples, in words a person can act on.
REASONS = [
    r"its patient '#\w+' is contained in it; send the Patient itself",
    r"patient 'Patient/[\w-]+' is neither in this import nor in the clinic",
    r"subject 'Group/\w+' is not a Patient",
    r"subject names no patient by reference",
]


def fetch_examples():
    """The package tarball from the cache, fetched with npm the first time."""
    cached = sorted(CACHE.glob(f"{PACKAGE}-*.tgz"))
    if cached:
        return cached[-1]
    if shutil.which("npm") is None:
        pytest.skip(f"npm is not installed, so the official examples ({PACKAGE}) cannot be fetched")
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(
            ["npm", "pack", PACKAGE, "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm pack {PACKAGE} did not finish in 10 minutes")
    if result.returncode != 0:
        pytest.skip(
            f"npm pack {PACKAGE} failed (is the registry reachable?): {result.stderr[-300:]}"
        )
    return sorted(CACHE.glob(f"{PACKAGE}-*.tgz"))[-1]


@pytest.fixture(scope="module")
def examples():
    with tarfile.open(fetch_examples()) as tarball:
        return [
            Source(member.name, tarball.extractfile(member).read().decode("utf-8"), ndjson=False)
            for member in tarball.getmembers()
            if EXAMPLE.match(member.name)
        ]


def test_every_official_example_imports_or_is_rejected_with_a_reason(harbour, examples):
    report = fhir_import(clinic=harbour, by=None, sources=examples)
    assert report.as_json()["imported"] == {
        "Patient": 22,
        "Condition": 12,
        "MedicationStatement": 7,
        "MedicationRequest": 40,
        "AllergyIntolerance": 6,
        # Every valid R4 status imports, cancelled and unknown observations included.
        "Observation": 44,
    }
    unexplained = [
        r for r in report.rejected if not any(re.fullmatch(p, r["reason"]) for p in REASONS)
    ]
    assert (len(report.rejected), unexplained) == (20, [])
    kept = {s.name for s in examples if not s.name.startswith("package/Medication-")}
    assert len(kept) == sum(report.imported.values()) + len(report.rejected)


def test_importing_the_examples_again_changes_nothing(harbour, examples):
    first = fhir_import(clinic=harbour, by=None, sources=examples)
    second = fhir_import(clinic=harbour, by=None, sources=examples)
    assert (second.imported, second.updated, second.unchanged) == ({}, {}, first.imported)
    assert second.rejected == first.rejected
