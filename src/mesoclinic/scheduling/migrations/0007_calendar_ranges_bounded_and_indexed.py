"""Calendar time ranges bounded on both sides and indexed: an appointment lasts a day at most."""

import datetime
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_throttle_token_scopes_idle_time'),
        ('clinics', '0003_practitioner_feed_token'),
        ('patients', '0008_search_keys_any_script'),
        ('scheduling', '0006_course_plan_or_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='appointment',
            index=models.Index(fields=['clinic', 'start'], name='appointment_clinic_start'),
        ),
        migrations.AddConstraint(
            model_name='appointment',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', django.db.models.expressions.CombinedExpression(models.F('start'), '+', models.Value(datetime.timedelta(days=1))))), name='appointment_lasts_a_day_at_most'),
        ),
    ]
