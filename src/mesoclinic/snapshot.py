"""A consistent, read-only view of the database for long reads that must not hold up the clinic.

On PostgreSQL a repeatable-read, read-only transaction. On SQLite a deferred transaction, which
under the write-ahead log reads one snapshot while others keep writing (every other transaction
here begins IMMEDIATE, taking the write lock at once, which a long export must not do).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the block's reads in one snapshot that takes no write lock; nothing may be written."""
    if connection.in_atomic_block:
        # Already inside the caller's transaction (a test's, say): read within it.
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")
