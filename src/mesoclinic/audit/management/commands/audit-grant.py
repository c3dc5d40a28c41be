"""`mesoclinic audit-grant ROLE`: let the application's PostgreSQL role in, audit append-only.

Run as the owner of the tables (the role migrations run as), after every `migrate`.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from mesoclinic.audit.database import POSTGRES_GRANTS


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL role what the application needs: every table, but only read and "
        "insert on the audit trail. Run as the tables' owner after each migrate."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="the role the application connects as")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("audit-grant is for PostgreSQL; on SQLite triggers guard the trail.")
        role = sql.Identifier(options["role"]).as_string(connection.connection)
        with connection.cursor() as cursor:
            for statement in POSTGRES_GRANTS.format(role=role).strip().splitlines():
                cursor.execute(statement)
        self.stdout.write(
            f"{options['role']} may now read and insert audit events, not change them."
        )
