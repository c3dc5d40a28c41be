# Rooms, practitioners, hours and closures now belong to the clinics app; only the state moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_room_for_sessions"),
        ("clinics", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="practitioner",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="appointments", to="clinics.practitioner"),
                ),
                migrations.AlterField(
                    model_name="appointment",
                    name="room",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="appointments", to="clinics.room"),
                ),
                migrations.DeleteModel(name="WorkingHours"),
                migrations.DeleteModel(name="OpeningHours"),
                migrations.DeleteModel(name="ClinicClosure"),
                migrations.DeleteModel(name="Practitioner"),
                migrations.DeleteModel(name="Room"),
            ],
        ),
    ]
