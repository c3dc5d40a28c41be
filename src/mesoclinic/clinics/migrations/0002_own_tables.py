# The moved models take tables named after their app.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0001_initial"),
        ("scheduling", "0005_clinic_setup_moves_to_clinics"),
    ]

    operations = [
        migrations.AlterModelTable(name=name, table=None)
        for name in ("room", "practitioner", "openinghours", "workinghours", "clinicclosure")
    ]
