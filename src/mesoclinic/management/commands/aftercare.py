"""`mesoclinic aftercare`: the dated aftercare timeline of a protocol for treated areas."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.clinical.aftercare import aftercare_to_json
from mesoclinic.clinical.reports import UsageError, aftercare_command, aftercare_text
from mesoclinic.commands import EXIT_USAGE, ReportCommand


class Command(ReportCommand):
    help = "Print the aftercare timeline, with exact end times, after a session."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--protocol", required=True, help="protocol id, e.g. ref-001")
        parser.add_argument("--areas", required=True, help="treated areas, e.g. face,neck")
        parser.add_argument(
            "--ended", required=True, help="when the session ended, e.g. 2026-03-02T10:30+01:00"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            steps = aftercare_command(options["protocol"], options["areas"], options["ended"])
        except UsageError as error:
            raise CommandError(str(error), returncode=EXIT_USAGE) from error
        self.report(options, aftercare_to_json(steps), aftercare_text(steps))
