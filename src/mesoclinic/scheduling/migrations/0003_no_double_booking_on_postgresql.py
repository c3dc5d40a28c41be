"""On PostgreSQL the database itself refuses two active appointments of one practitioner or room
at overlapping times; SQLite has no exclusion constraints, so there the booking transaction checks.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

ACTIVE = "status IN ('proposed', 'booked', 'arrived')"
CONSTRAINTS = {
    "appointment_practitioner_no_overlap": "practitioner_id",
    "appointment_room_no_overlap": "room_id",
}


def add_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
            f'({column} WITH =, tstzrange(start, "end", \'[)\') WITH &&) WHERE ({ACTIVE})'
        )


def drop_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_appointments_and_courses")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_exclusion_constraints, drop_exclusion_constraints),
    ]
