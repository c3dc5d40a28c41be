"""Audit events join the chain in the order `seq` gives them, on PostgreSQL without waiting.

An event joins the chain as it is written when the chain's lock is free, and is otherwise
written unchained, to join it once committed: readers of patient data never wait on each
other's open transactions. The trigger lets that one change through: an event's `seq`,
`prev_hash` and `hash` set once, nothing else changed. Events chained before keep their place:
`seq` is their id.
"""

from django.db import migrations, models

POSTGRES_UP = """
ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change;
UPDATE audit_auditevent SET seq = id WHERE hash <> '';
ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change;
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash <> ''
     AND to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash'
       = to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash' THEN
    RETURN NEW;  -- an event joining the chain, its content untouched
  END IF;
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit_auditevent chain'));
  RETURN (SELECT hash FROM audit_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE;
-- "seq hash" of the chain's head ("0 " for none) with the lock taken, or NULL when it is held.
CREATE OR REPLACE FUNCTION audit_chain_head_if_free() RETURNS text AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('audit_auditevent chain')) THEN
    RETURN NULL;
  END IF;
  RETURN coalesce(
    (SELECT seq || ' ' || hash FROM audit_auditevent WHERE seq IS NOT NULL
     ORDER BY seq DESC LIMIT 1),
    '0 '
  );
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
POSTGRES_DOWN = """
DROP FUNCTION IF EXISTS audit_chain_head_if_free();
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit_auditevent chain'));
  RETURN (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
# SQLite chains each event as it is written (its one writer at a time is the lock).
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "UPDATE audit_auditevent SET seq = id WHERE hash <> ''",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]


def chain_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def unchain_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_list_events_name_their_patients")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)),
                fields=["id"],
                name="audit_event_unchained",
            ),
        ),
        migrations.RunPython(chain_order, unchain_order),
    ]
