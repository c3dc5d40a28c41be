"""FHIR import and export as named actions: each one audited, nothing half-written."""

from collections.abc import Collection
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, User, signed_in_user
from mesoclinic.audit.domain import audit_event, audit_list_shown, audit_record
from mesoclinic.audit.models import Action
from mesoclinic.fhir.collector import collector_paused
from mesoclinic.fhir.exporter import (
    CHUNK,
    assign_clinic_fhir_ids,
    clinic_resources,
    write_ndjson,
)
from mesoclinic.fhir.importer import Importer, ImportReport
from mesoclinic.fhir.models import BulkExport, ImportRun
from mesoclinic.fhir.sources import Source, read_sources
from mesoclinic.fhir.tasks import bulk_export_run
from mesoclinic.patients.models import Patient
from mesoclinic.snapshot import read_snapshot


def fhir_import(*, clinic: Clinic, sources: list[Source], by: User | None) -> ImportReport:
    """Import FHIR resources into `clinic`; each resource is written whole or not at all."""
    run = ImportRun.objects.create(
        clinic=clinic, actor=signed_in_user(by), sources="\n".join(s.name for s in sources)
    )
    with collector_paused():
        report = Importer(clinic, by, read_sources(sources)).run()
    document = report.as_json()
    with transaction.atomic():
        for name in ("imported", "updated", "unchanged", "rejected"):
            setattr(run, name, document[name])
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            by=by, action=Action.IMPORT, obj=run, summary=_summary(report), clinic_id=clinic.pk
        )
    return report


def _summary(report: ImportReport) -> str:
    counts = [
        f"{sum(getattr(report, name).values())} {name}"
        for name in ("imported", "updated", "unchanged")
    ]
    return "FHIR import: " + ", ".join(counts) + f", {len(report.rejected)} rejected"


def fhir_export(
    *,
    clinic: Clinic,
    directory: Path,
    by: User | None,
    types: Collection[str] = (),
) -> dict[str, int]:
    """Write the clinic's records as bulk NDJSON in `directory`; return the count per type.

    With `types`, only resources of those types are written.

    Only the short steps write (the FHIR ids, then the audit rows); the long one reads from a
    snapshot, so the clinic keeps reading and writing while a large export runs.
    """
    with transaction.atomic():
        assign_clinic_fhir_ids(clinic)
    with read_snapshot():
        counts = write_ndjson(clinic_resources(clinic, types), directory)
    summary = ", ".join(f"{n} {t}" for t, n in counts.items()) or "nothing"
    with transaction.atomic():
        listing = audit_event(
            by=by,
            action=Action.EXPORT,
            obj=clinic,
            summary=f"FHIR export to {directory}: {summary}",
        )
        # The export's one row names every patient: each patient's own trail finds it.
        audit_list_shown(
            by=by,
            patients=Patient.objects.filter(clinic=clinic)
            .order_by("pk")
            .only("pk", "clinic_id")
            .iterator(chunk_size=CHUNK),
            summary=listing.summary,
            action=Action.EXPORT,
            listing=listing,
        )
    return counts


def bulk_export_start(
    *, clinic: Clinic, by: User, request: str, types: list[str], patient_level: bool
) -> BulkExport:
    """Record a Bulk Data `$export` and hand it to the worker once the request is committed."""
    with transaction.atomic():
        job = BulkExport.objects.create(
            clinic=clinic,
            requested_by=by,
            request=request,
            types=types,
            patient_level=patient_level,
        )
        audit_record(by=by, action=Action.EXPORT, obj=job, summary=f"{job} asked for: {request}")
        transaction.on_commit(lambda: bulk_export_run.enqueue(job.pk))
    return job


def bulk_export_downloaded(*, export: BulkExport, by: User, file_name: str) -> None:
    """Audit one download of an export's file: the records leave with whoever holds it."""
    with transaction.atomic():
        audit_record(by=by, action=Action.EXPORT, obj=export, summary=f"{export}: {file_name}")
