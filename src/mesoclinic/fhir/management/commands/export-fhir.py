"""`mesoclinic export-fhir DIR [--clinic ID] [--json]`: a clinic's records as bulk NDJSON."""

from pathlib import Path
from typing import Any

from mesoclinic.accounts.command_clinic import clinic_for_command
from mesoclinic.commands import ReportCommand
from mesoclinic.fhir.domain import fhir_export


class Command(ReportCommand):
    help = "Export a clinic's patients and history as FHIR R4 bulk NDJSON, one file per type."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", metavar="DIR", help="folder to write (created if needed)")
        parser.add_argument("--clinic", type=int, help="clinic id (needed with several clinics)")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_for_command(options["clinic"])
        directory = Path(options["directory"])
        counts = fhir_export(clinic=clinic, by=None, directory=directory)
        listed = "\n".join(f"  {t}.ndjson: {n}" for t, n in counts.items()) or "  nothing"
        document = {"directory": str(directory), "exported": counts}
        self.report(options, document, f"Exported {clinic} to {directory}:\n{listed}")
