"""What the database itself does for the audit trail: refuse changes, hand out the chain's head.

On PostgreSQL the application should connect as a role that may only read and insert audit
events (`mesoclinic audit-grant ROLE`), while migrations run as the tables' owner: only the owner
can drop or disable a trigger or truncate a table. On SQLite, whoever can write the file can do
anything; the triggers stop mistakes and raw SQL through the application.
"""

from django.db import connections

TABLE = "audit_auditevent"

SQLITE_TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_event_no_update;
DROP TRIGGER IF EXISTS audit_event_no_delete;
"""

# Privileges for the application's own role: everything on the clinic's tables, but only read
# and insert on the audit trail, and set an event's place in the chain once (the trigger refuses
# anything else). Run as the owner after every migration (new tables need them).
POSTGRES_GRANTS = f"""
GRANT USAGE ON SCHEMA public TO {{role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {{role}};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {{role}};
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {TABLE} FROM {{role}};
GRANT UPDATE (seq, prev_hash, hash) ON {TABLE} TO {{role}};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {{role}};
"""


def chain_head(using: str = "default") -> tuple[int, str]:
    """The chain's newest place and hash ((0, "") for none), taken under the chain's lock.

    Call inside the transaction that chains: the lock lasts until it commits, so events join
    the chain one transaction after another.
    """
    with connections[using].cursor() as cursor:
        if connections[using].vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('audit_auditevent chain'))")
        # A statement of its own, so on PostgreSQL it sees what the last holder committed;
        # SQLite's writers already hold the database's one write lock.
        cursor.execute(
            f"SELECT seq, hash FROM {TABLE} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "")


def chain_head_if_free(using: str = "default") -> tuple[int, str] | None:
    """The chain's newest place and hash under its lock, or None when another holds the lock.

    One query. On PostgreSQL whoever holds the lock keeps it until they commit; a writer that
    finds it held writes its events unchained instead of waiting (`chain_committed`).
    """
    if connections[using].vendor != "postgresql":
        return chain_head(using)
    with connections[using].cursor() as cursor:
        # One call: the function tries the lock, then reads the head with a fresh snapshot.
        cursor.execute("SELECT audit_chain_head_if_free()")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    seq, head = str(row[0]).split(" ", 1)
    return int(seq), head


def any_unchained(using: str = "default") -> bool:
    """Whether any event waits to join the chain: one read of the partial index
    `audit_event_unchained`, written out because every audited page asks it once."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} WHERE seq IS NULL LIMIT 1")
        return cursor.fetchone() is not None


def set_links(links: list[tuple[int | None, str, str, int]], using: str = "default") -> None:
    """Write each event's (place, previous hash, hash) by id: the one change the trigger allows."""
    if links:
        with connections[using].cursor() as cursor:
            cursor.executemany(
                f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", links
            )
