"""The shared shape of mesoclinic's reporting commands: `--json` and the exit codes of SPEC.md."""

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


def calendar_date(text: str) -> dt.date:
    """A date argument such as 2026-11-27; argparse reports anything else as bad usage (exit 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-27") from None


class PartlyRejected(CommandError):
    """Some input was rejected; what was valid was kept (exit 3)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=EXIT_PARTIAL)


class ReportCommand(BaseCommand):
    """A command that reports as text, or as one JSON document on stdout with `--json`."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(
            prog_name.replace("manage.py", "mesoclinic"), subcommand, **kwargs
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        return parser

    def report(self, options: dict[str, Any], document: Any, text: str) -> None:
        """Print `document` as JSON when asked, else the human-readable `text`."""
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(text)
