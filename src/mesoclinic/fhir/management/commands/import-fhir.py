"""`mesoclinic import-fhir PATH… [--clinic ID] [--json]`: bring FHIR R4 records into a clinic."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.command_clinic import clinic_for_command
from mesoclinic.commands import PartlyRejected, ReportCommand
from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.importer import ImportReport
from mesoclinic.fhir.sources import MissingInput, sources_from_paths


class Command(ReportCommand):
    help = (
        "Import FHIR R4 Patient, Condition, MedicationStatement, MedicationRequest, "
        "AllergyIntolerance and Observation resources from bulk NDJSON files, folders of them, "
        "Bundles or single resources. Running it again updates instead of duplicating."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file or folder")
        parser.add_argument("--clinic", type=int, help="clinic id (needed with several clinics)")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_for_command(options["clinic"])
        try:
            sources = sources_from_paths(options["paths"])
        except MissingInput as missing:
            raise CommandError(str(missing)) from None
        report = fhir_import(clinic=clinic, by=None, sources=sources)
        self.report(options, report.as_json(), report_text(report))
        if report.rejected:
            raise PartlyRejected(
                f"{len(report.rejected)} resource(s) rejected, each listed with its reason; "
                "the rest was imported."
            )


def report_text(report: ImportReport) -> str:
    """The report for a person: counts per type, then each rejected line and why."""
    lines = []
    for name in ("imported", "updated", "unchanged"):
        counts = getattr(report, name)
        listed = ", ".join(f"{n} {t}" for t, n in counts.items()) or "nothing"
        lines.append(f"{name.capitalize()}: {listed}")
    lines += [f"Rejected {r['file']}:{r['line']}: {r['reason']}" for r in report.rejected]
    return "\n".join(lines)
