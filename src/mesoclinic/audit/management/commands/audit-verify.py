"""`mesoclinic audit-verify`: check the audit trail's hash chain and name the first broken link."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.audit.verify import verify_chain
from mesoclinic.commands import EXIT_ERROR, ReportCommand

INTACT = "The audit trail is intact: {events} events, the newest hash {head}."


class Command(ReportCommand):
    help = "Check that no audit event was changed or deleted; exit 1 at the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify_chain()
        if options["json"]:
            self.report(options, verdict.as_json(), "")
        if not verdict.intact:
            raise CommandError(
                f"The audit trail is broken: {verdict.problem} "
                f"({verdict.events} events before it hold).",
                returncode=EXIT_ERROR,
            )
        if not options["json"]:
            self.stdout.write(INTACT.format(events=verdict.events, head=verdict.head or "-"))
