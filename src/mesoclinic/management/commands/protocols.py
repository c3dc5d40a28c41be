"""`mesoclinic protocols`: the shipped protocols with their versions, rule counts and sources."""

from typing import Any

from mesoclinic.clinical.protocols import protocols_summary
from mesoclinic.clinical.reports import protocols_text
from mesoclinic.commands import ReportCommand


class Command(ReportCommand):
    help = "List the protocols: ids, versions, rule counts and the documents they cite."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = protocols_summary()
        self.report(options, summary, protocols_text(summary))
