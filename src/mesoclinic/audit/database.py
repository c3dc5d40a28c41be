"""What the database itself does for the audit trail: refuse changes, hand out the chain's head.

On PostgreSQL the application should connect as a role that may only read and insert audit
events (`mesoclinic audit-grant ROLE`), while migrations run as the tables' owner: only the owner
can drop or disable a trigger or truncate a table. On SQLite, whoever can write the file can do
anything; the triggers stop mistakes and raw SQL through the application.
"""

from django.db import connection

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
# and insert on the audit trail. Run as the owner after every migration (new tables need them).
POSTGRES_GRANTS = f"""
GRANT USAGE ON SCHEMA public TO {{role}};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {{role}};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {{role}};
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {TABLE} FROM {{role}};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {{role}};
"""


def chain_head() -> str:
    """The newest event's hash ("" for none), taken under the lock every audit write holds.

    Call inside the transaction that appends: the lock lasts until it commits, so events join
    the chain in the order of their ids.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One call: the function takes the lock, then reads the head with a fresh snapshot.
            cursor.execute("SELECT audit_chain_head()")
        else:
            # SQLite's writers already hold the database's one write lock.
            cursor.execute(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return str(row[0]) if row and row[0] else ""
