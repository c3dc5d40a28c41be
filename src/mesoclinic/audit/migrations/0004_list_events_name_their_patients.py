"""A list's one audit event names every patient it showed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hash_chain'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='patients_shown',
            field=models.TextField(blank=True, db_default='', default=''),
        ),
    ]
