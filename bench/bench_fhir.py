"""FHIR import and export speed on the Synthea 1,000-patient sample, in resources per second.

Run as `python bench/bench_fhir.py`: it migrates a fresh SQLite database in a temporary folder,
imports `fhir-samples/synthea-1000` into one clinic, then exports it, and prints the median of
three rounds (each into a new clinic). When `DATABASE_URL` names a PostgreSQL server
(postgres://…), it does the same there too, in a database `<name>_bench_fhir` it creates and
drops again. Goal: at least 2,000 resources a second imported on either. Skips, saying why, when
the samples are not there (set MESOCLINIC_SHARED to the folder holding `fhir-samples/`).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_reports import drop_database, fresh_database
from sandbox import set_up_django

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MESOCLINIC_SHARED", ROOT.parent / "shared"))
SAMPLE = SHARED / "fhir-samples" / "synthea-1000"


ROUNDS = 3


def main() -> None:
    if not SAMPLE.is_dir():
        print(f"skipped: no FHIR sample at {SAMPLE} (set MESOCLINIC_SHARED)")
        return
    if sys.argv[1:] == ["--postgres"]:
        on_postgres(os.environ["DATABASE_URL"])
        return
    url = os.environ.get("DATABASE_URL", "")
    print("SQLite")
    with tempfile.TemporaryDirectory() as folder:
        set_up_django(Path(folder))
        rounds(Path(folder))
    if url.startswith("postgres"):
        # Django is set up once a process: PostgreSQL gets a process of its own.
        # The SQLite set-up changed DATABASE_URL: that process gets the server's address again.
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, __file__, "--postgres"], check=True, env=env)
    else:
        print("PostgreSQL skipped: set DATABASE_URL to a PostgreSQL server (postgres://…)")


def rounds(folder: Path) -> None:
    """Import the sample into a new clinic ROUNDS times, export the last; print the medians."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    speeds = []
    for number in range(ROUNDS):
        clinic = fresh_clinic(number)
        imported, speed = bench_import(clinic)
        speeds.append(speed)
    print(f"import median: {statistics.median(speeds):.0f} resources/s")
    bench_export(clinic, folder / "export", imported)


def on_postgres(url: str) -> None:
    print("PostgreSQL")
    bench_url = fresh_database(url, purpose="fhir")
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["MESOCLINIC_VAR_DIR"] = folder
            os.environ["DATABASE_URL"] = bench_url
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
            sys.path.insert(0, str(ROOT / "src"))
            import django

            django.setup()
            rounds(Path(folder))
    finally:
        drop_database(url, bench_url)


def fresh_clinic(number: int) -> Any:
    """A new, empty clinic."""
    from mesoclinic.accounts.models import Clinic

    return Clinic.objects.create(name=f"Benchmark Clinic {number}")


def bench_import(clinic: Any) -> tuple[int, float]:
    """Import the sample once and report resources per second; return how many were imported
    and the speed."""
    from mesoclinic.fhir.domain import fhir_import
    from mesoclinic.fhir.sources import sources_from_paths

    started = time.perf_counter()
    report = fhir_import(clinic=clinic, by=None, sources=sources_from_paths([str(SAMPLE)]))
    seconds = time.perf_counter() - started
    count = sum(report.imported.values())
    counts = ", ".join(f"{n} {t}" for t, n in report.imported.items())
    print(f"import: {count} resources ({counts}) in {seconds:.2f} s = {count / seconds:.0f}/s")
    print(f"        rejected: {len(report.rejected)}")
    return count, count / seconds


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
