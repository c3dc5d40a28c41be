"""`mesoclinic demo-code`: the code the demo staff's authenticator app shows now (demo only)."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from mesoclinic.commands import ReportCommand
from mesoclinic.demo import DEMO_APP_KEY, demo_code

REFUSE_IN_PRODUCTION = "The demo's second-step codes exist only while DEBUG is on."


class Command(ReportCommand):
    help = "Print the demo staff's current second-step code (the demo's published app key)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(REFUSE_IN_PRODUCTION)
        code = demo_code()
        self.report(options, {"code": code, "key": DEMO_APP_KEY}, code)
