"""The patient list's name-order index, and partial indexes of the entries awaiting confirmation."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_throttle_token_scopes_idle_time'),
        ('patients', '0008_search_keys_any_script'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='allergy',
            index=models.Index(condition=models.Q(('confirmed_at__isnull', True), ('entered_by', 'patient')), fields=['patient'], name='allergy_awaiting'),
        ),
        migrations.AddIndex(
            model_name='condition',
            index=models.Index(condition=models.Q(('confirmed_at__isnull', True), ('entered_by', 'patient')), fields=['patient'], name='condition_awaiting'),
        ),
        migrations.AddIndex(
            model_name='medication',
            index=models.Index(condition=models.Q(('confirmed_at__isnull', True), ('entered_by', 'patient')), fields=['patient'], name='medication_awaiting'),
        ),
        migrations.AddIndex(
            model_name='observation',
            index=models.Index(condition=models.Q(('confirmed_at__isnull', True), ('entered_by', 'patient')), fields=['patient'], name='observation_awaiting'),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['clinic', 'family_key', 'given_key', 'id'], name='patient_list'),
        ),
    ]
