"""Run as a script: a slow FHIR export on a SQLite file while staff read patient records.

Prints one JSON document: how many reads were tried and how many failed. Reads write audit rows,
so before the fix an export holding the write lock made them fail with "database is locked".
"""

import json
import sys
import threading
import time
from pathlib import Path

import django

django.setup()

from django.db import OperationalError, connection  # noqa: E402

from mesoclinic.accounts.models import Clinic, User  # noqa: E402
from mesoclinic.fhir import domain, exporter  # noqa: E402
from mesoclinic.patients.access import get_patient_for  # noqa: E402
from mesoclinic.patients.models import Patient  # noqa: E402

READS = 18


def slow(resources):
    """The clinic's resources, a quarter of a second apart: a long export."""
    for item in resources:
        time.sleep(0.25)
        yield item


def main(directory: str) -> None:
    clinic = Clinic.objects.create(name="Harbour Skin Clinic")
    reader = User.objects.create(username="rita", clinic=clinic, role="reception")
    patients = [
        Patient.objects.create(clinic=clinic, given_name=f"P{n}", family_name="Lee")
        for n in range(12)
    ]
    original = exporter.clinic_resources
    domain.clinic_resources = lambda clinic, types=(): slow(original(clinic, types))
    exported = {}

    def export_slowly():
        exported.update(domain.fhir_export(clinic=clinic, directory=Path(directory), by=None))
        connection.close()

    export = threading.Thread(target=export_slowly)
    export.start()
    time.sleep(0.5)
    failed = 0
    for number in range(READS):
        try:
            get_patient_for(reader, patients[number % len(patients)].pk, purpose="chart")
        except OperationalError:
            failed += 1
        time.sleep(0.1)
    export.join()
    print(json.dumps({"reads": READS, "failed": failed, "exported": exported}))


if __name__ == "__main__":
    main(sys.argv[1])
