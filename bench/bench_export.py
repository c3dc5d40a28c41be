"""The FHIR export of a large clinic: its peak memory at 10,000 and 100,000 patients, and its
speed as a share of raw orjson writing the same rows.

Run as `python bench/bench_export.py [--sizes 10000 100000] [--per-patient 10]` when PostgreSQL
answers at `BENCH_DATABASE_URL` (see `large_clinic.py`; without PostgreSQL it says so and
stops). For each size it fills a database of its own (the name of `BENCH_DATABASE_URL` with
`_export_<size>` added, kept for the next run unless `--fresh`) with that many patients, ten
appointments each and a condition each, then measures in a new process each time:

- the export, `fhir_export` as `mesoclinic export-fhir` runs it: resources per second and the
  process's peak resident memory (`ru_maxrss`), beside the memory it held before exporting;
- the same rows (every column of each table the export reads) written as NDJSON by orjson,
  with nothing mapped: the fastest the rows could leave the database as JSON.

Flat memory means the export's peak stays the same from the small clinic to the large one.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from large_clinic import answers, create, database_url, server_env

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-patient", type=int, default=10, help="appointments per patient")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--measure", choices=["export", "raw", "fill"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options)
        return
    if not answers(database_url()):
        print(f"PostgreSQL does not answer at {database_url()}: export benchmark skipped")
        return
    for size in options.sizes:
        url = f"{database_url()}_export_{size}"
        if options.fresh or not holds(url, size):
            child("fill", url, ["--sizes", str(size), "--per-patient", str(options.per_patient)])
        export = child("export", url)
        raw = child("raw", url)
        print(
            f"{size:>7,} patients: export {export['resources']:,} resources in "
            f"{export['seconds']:.1f} s = {export['rate']:,.0f}/s, "
            f"peak {export['peak_mib']:.0f} MiB (before exporting {export['before_mib']:.0f} MiB)"
            f"   raw orjson {raw['rate']:,.0f} rows/s, peak {raw['peak_mib']:.0f} MiB"
            f"   export/raw {export['rate'] / raw['rate']:.2f}"
        )


def holds(url: str, size: int) -> bool:
    """Whether the database at `url` already holds a clinic of `size` patients."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute("SELECT count(*) FROM patients_patient").fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] == size


def child(what: str, url: str, extra: list[str] | None = None) -> dict[str, Any]:
    """Run one measurement in a new process (its peak memory is its own) and read its figures."""
    command = [sys.executable, __file__, "--measure", what, "--url", url, *(extra or [])]
    done = subprocess.run(command, env=server_env(url), check=True, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    figures: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    return figures


def measure(options: Any) -> None:
    """In the child: set Django up on `--url`, do one thing, print its figures as JSON."""
    if options.measure == "fill":
        size = options.sizes[0]
        with open(os.devnull, "w") as quiet:
            sys.stdout = quiet
            create(options.url, size, size * options.per_patient)
            sys.stdout = sys.__stdout__
        print("{}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django

    django.setup()
    from mesoclinic.accounts.models import Clinic

    clinic = Clinic.objects.get(name="Large Clinic")
    before = peak_mib()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        count = (export if options.measure == "export" else raw)(clinic, Path(folder))
        seconds = time.perf_counter() - started
    figures = {
        "resources": count,
        "seconds": seconds,
        "rate": count / seconds,
        "peak_mib": peak_mib(),
        "before_mib": before,
    }
    print(json.dumps(figures))


def peak_mib() -> float:
    """This process's peak resident memory so far (Linux gives kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(clinic: Any, folder: Path) -> int:
    from mesoclinic.fhir.domain import fhir_export

    return sum(fhir_export(clinic=clinic, by=None, directory=folder).values())


def raw(clinic: Any, folder: Path) -> int:
    """Every row of the tables the export reads, all columns, as orjson NDJSON."""
    import orjson

    from mesoclinic.clinics.models import Practitioner, Room
    from mesoclinic.fhir.kinds import HISTORY
    from mesoclinic.patients.models import Patient, PatientIdentifier
    from mesoclinic.scheduling.models import Appointment

    tables = [
        Patient.objects.filter(clinic=clinic),
        PatientIdentifier.objects.filter(patient__clinic=clinic),
        *(kind.rows().filter(patient__clinic=clinic) for kind in HISTORY.values()),
        Practitioner.objects.filter(clinic=clinic),
        Room.objects.filter(clinic=clinic),
        Appointment.objects.filter(clinic=clinic),
    ]
    count = 0
    with (folder / "raw.ndjson").open("wb") as out:
        for rows in tables:
            for row in rows.order_by("pk").values().iterator(chunk_size=2000):
                out.write(orjson.dumps(row, default=str, option=orjson.OPT_APPEND_NEWLINE))
                count += 1
    return count


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
