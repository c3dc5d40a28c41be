# The clinic's set-up moves here from scheduling: the models change app, the tables stay (for now).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("scheduling", "0004_room_for_sessions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Room",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80)),
                        ("active", models.BooleanField(default=True)),
                        ("for_sessions", models.BooleanField(default=True, help_text="Treatment sessions may be booked here; untick for a consultation-only room.", verbose_name="treatment sessions")),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="rooms", to="accounts.clinic")),
                    ],
                    options={
                        "db_table": "scheduling_room",
                        "ordering": ["name"],
                        "constraints": [models.UniqueConstraint(fields=("clinic", "name"), name="room_name_unique_in_clinic")],
                    },
                ),
                migrations.CreateModel(
                    name="Practitioner",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("profession", models.CharField(choices=[("doctor", "Doctor"), ("nurse", "Nurse injector")], max_length=20)),
                        ("registration_number", models.CharField(blank=True, max_length=40)),
                        ("active", models.BooleanField(default=True)),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="practitioners", to="accounts.clinic")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="practitioner", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "scheduling_practitioner", "ordering": ["user__last_name", "user__first_name"]},
                ),
                migrations.CreateModel(
                    name="OpeningHours",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("weekday", models.PositiveSmallIntegerField(choices=WEEKDAYS)),
                        ("starts", models.TimeField()),
                        ("ends", models.TimeField()),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="opening_hours", to="accounts.clinic")),
                    ],
                    options={"db_table": "scheduling_openinghours", "verbose_name_plural": "opening hours", "ordering": ["weekday", "starts"], "abstract": False},
                ),
                migrations.CreateModel(
                    name="WorkingHours",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("weekday", models.PositiveSmallIntegerField(choices=WEEKDAYS)),
                        ("starts", models.TimeField()),
                        ("ends", models.TimeField()),
                        ("practitioner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="working_hours", to="clinics.practitioner")),
                    ],
                    options={"db_table": "scheduling_workinghours", "verbose_name_plural": "working hours", "ordering": ["weekday", "starts"], "abstract": False},
                ),
                migrations.CreateModel(
                    name="ClinicClosure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField()),
                        ("reason", models.CharField(blank=True, max_length=120)),
                        ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="closures", to="accounts.clinic")),
                    ],
                    options={
                        "db_table": "scheduling_clinicclosure",
                        "ordering": ["day"],
                        "constraints": [models.UniqueConstraint(fields=("clinic", "day"), name="closure_unique_per_day")],
                    },
                ),
            ],
        ),
    ]
