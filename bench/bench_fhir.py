"""FHIR import and export speed on the Synthea 1,000-patient sample, in resources per second.

Run as `python bench/bench_fhir.py`: it migrates a fresh SQLite database in a temporary folder,
imports `fhir-samples/synthea-1000` into one clinic, then exports it. Skips, saying why, when
the samples are not there (set MESOCLINIC_SHARED to the folder holding `fhir-samples/`).
"""

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox import set_up_django

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MESOCLINIC_SHARED", ROOT.parent / "shared"))
SAMPLE = SHARED / "fhir-samples" / "synthea-1000"


def main() -> None:
    if not SAMPLE.is_dir():
        print(f"skipped: no FHIR sample at {SAMPLE} (set MESOCLINIC_SHARED)")
        return
    with tempfile.TemporaryDirectory() as folder:
        set_up_django(Path(folder))
        clinic = fresh_database()
        imported = bench_import(clinic)
        bench_export(clinic, Path(folder) / "export", imported)


def fresh_database() -> Any:
    """Migrate the empty database and give it one clinic."""
    from django.core.management import call_command

    from mesoclinic.accounts.models import Clinic

    call_command("migrate", verbosity=0)
    return Clinic.objects.create(name="Benchmark Clinic")


def bench_import(clinic: Any) -> int:
    """Import the sample once and report resources per second; return how many were imported."""
    from mesoclinic.fhir.domain import fhir_import
    from mesoclinic.fhir.sources import sources_from_paths

    started = time.perf_counter()
    report = fhir_import(clinic=clinic, by=None, sources=sources_from_paths([str(SAMPLE)]))
    seconds = time.perf_counter() - started
    count = sum(report.imported.values())
    counts = ", ".join(f"{n} {t}" for t, n in report.imported.items())
    print(f"import: {count} resources ({counts}) in {seconds:.2f} s = {count / seconds:.0f}/s")
    print(f"        rejected: {len(report.rejected)}")
    return count


def bench_export(clinic: Any, directory: Path, imported: int) -> None:
    """Export what was imported and report resources per second."""
    from mesoclinic.fhir.domain import fhir_export

    started = time.perf_counter()
    counts = fhir_export(clinic=clinic, by=None, directory=directory)
    seconds = time.perf_counter() - started
    count = sum(counts.values())
    print(f"export: {count} resources in {seconds:.2f} s = {count / seconds:.0f}/s")
    assert count == imported, f"exported {count} resources but imported {imported}"


if __name__ == "__main__":
    main()
