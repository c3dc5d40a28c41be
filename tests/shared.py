"""Where the project's shared clinical sources live, and a mark for tests that need them."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MESOCLINIC_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
FHIR_SAMPLES = SHARED / "fhir-samples"

needs_shared = pytest.mark.skipif(
    not SEEDS.is_dir(),
    reason=f"the shared seeds and FHIR samples are not at {SHARED} (set MESOCLINIC_SHARED)",
)
