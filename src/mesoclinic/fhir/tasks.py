"""The worker's FHIR task: a Bulk Data `$export` written where its status address finds it."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mesoclinic.fhir.kinds import HISTORY
from mesoclinic.fhir.models import BulkExport, BulkExportStatus

# A patient-level export holds the patients' compartments: their records, not the clinic's.
PATIENT_TYPES = (
    "Patient",
    *HISTORY,
    "Encounter",
    "ClinicalImpression",
    "CarePlan",
    "Appointment",
)

# A system-level export: every type the clinic's export writes.
EXPORTED_TYPES = (
    *PATIENT_TYPES,
    "Medication",
    "ConceptMap",
    "Practitioner",
    "Location",
)


def bulk_directory(export_id: int) -> Path:
    """Where export `export_id` writes its files."""
    return Path(settings.FHIR_EXPORT_DIR) / str(export_id)


@task()
def bulk_export_run(export_id: int) -> str:
    """Write export `export_id`'s files; its status says done, with the counts, or failed."""
    # Imported here: the domain module hands exports to this task.
    from mesoclinic.fhir.domain import fhir_export

    job = BulkExport.objects.select_related("clinic", "requested_by").get(pk=export_id)
    types = job.types or (PATIENT_TYPES if job.patient_level else ())
    try:
        counts = fhir_export(
            clinic=job.clinic, directory=bulk_directory(job.pk), by=job.requested_by, types=types
        )
    except (OSError, ValueError) as error:
        job.status, job.error = BulkExportStatus.FAILED, str(error)
    else:
        job.status, job.counts = BulkExportStatus.DONE, counts
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "counts", "error", "finished_at"])
    return str(job.status)
