"""The `mesoclinic` command: Django's management commands under the clinic's own name."""

import os
import sys

USAGE_EXIT = 2


def main(argv: list[str] | None = None) -> None:
    """Run a mesoclinic command; an unknown command exits 2 with the list of commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    args = sys.argv[1:] if argv is None else argv
    django.setup()
    if not args:
        sys.stderr.write("usage: mesoclinic COMMAND [options]; 'mesoclinic help' lists them.\n")
        sys.exit(USAGE_EXIT)
    # "help" and "version" are Django's own words, not commands.
    if not args[0].startswith("-") and args[0] not in {*get_commands(), "help", "version"}:
        sys.stderr.write(f"mesoclinic: unknown command {args[0]!r}\n")
        sys.stderr.write("Run 'mesoclinic help' for the list of commands.\n")
        sys.exit(USAGE_EXIT)
    execute_from_command_line(["mesoclinic", *args])
