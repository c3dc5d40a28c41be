"""`mesoclinic demo`: load the demo clinics (idempotent) and say what exists."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from mesoclinic.commands import ReportCommand
from mesoclinic.demo import DEMO_APP_KEY, demo_load, demo_summary

REFUSE_IN_PRODUCTION = (
    "Refusing to load demo accounts with a published password while DEBUG is off; "
    "pass --force if this really is a demonstration server."
)


class Command(ReportCommand):
    help = "Create the demo clinics, staff, rooms, hours and patients (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="load even when DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSE_IN_PRODUCTION)
        demo_load()
        summary = demo_summary()
        self.report(options, summary, demo_logins_text(summary))


def demo_logins_text(summary: dict[str, Any]) -> str:
    names = {c["id"]: c["name"] for c in summary["clinics"]}
    lines = [f"Demo logins (password for all: {summary['users'][0]['password']}):"]
    lines += [
        f"  {u['username']:<22} {u['role']:<13} {names[u['clinic']]}" for u in summary["users"]
    ]
    lines += [
        "Staff then give a second-step code: run 'mesoclinic demo-code' (make demo-code), or add",
        f"the key {DEMO_APP_KEY} to an authenticator app.",
    ]
    return "\n".join(lines)
