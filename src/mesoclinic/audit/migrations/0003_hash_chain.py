"""Each audit event carries a hash chained to the one before it; SQLite refuses deletes too."""

import hashlib
import json

import django.utils.timezone
from django.db import migrations, models

# Frozen copies of mesoclinic.audit.models.AuditEvent.content() and the triggers.
SQLITE_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
POSTGRES_HEAD = """
CREATE OR REPLACE FUNCTION audit_chain_head() RETURNS varchar AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit_auditevent chain'));
  RETURN (SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


def content(event):
    return json.dumps(
        [
            event.at.isoformat(timespec="microseconds"),
            event.clinic_id,
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.patient_id,
            event.summary,
            str(event.ip_address) if event.ip_address else None,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_existing(apps, schema_editor):
    """Hash the events written before the chain, in the order they were written."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        digest = hashlib.sha256((previous + content(event)).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=previous, hash=digest)
        previous = digest
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")
        schema_editor.execute(POSTGRES_HEAD)
    else:
        for statement in SQLITE_TRIGGERS.strip().split(";\n"):
            schema_editor.execute(statement.strip().rstrip(";") + ";")


def unchain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_head()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("read", "Read"),
                    ("create", "Create"),
                    ("update", "Update"),
                    ("delete", "Delete"),
                    ("login", "Sign in"),
                    ("login-failed", "Failed sign in"),
                    ("logout", "Sign out"),
                    ("export", "Export"),
                    ("import", "Import"),
                    ("denied", "Refused"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(chain_existing, unchain),
    ]
