"""Side-effect photos leave the database for the private media folder, as session photos are kept.

The stored bytes were already cleaned of EXIF; each is written as it is, with a thumbnail.
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models
from PIL import Image

THUMBNAIL = (320, 320)


def photos_to_storage(apps, schema_editor):
    Report = apps.get_model("followup", "SideEffectReport")
    for report in Report.objects.exclude(photo_bytes=b"").iterator():
        folder = f"photos/{report.clinic_id}/{report.patient_id}/{uuid.uuid4().hex}"
        data = bytes(report.photo_bytes)
        report.photo = default_storage.save(f"{folder}.jpg", ContentFile(data))
        report.photo_thumbnail = default_storage.save(
            f"{folder}-thumb.jpg", ContentFile(_thumbnail(data))
        )
        report.save(update_fields=["photo", "photo_thumbnail"])


def _thumbnail(data):
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail(THUMBNAIL)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=88)
        return out.getvalue()


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_sideeffectreport_escalated_at"),
    ]

    operations = [
        migrations.RenameField(
            model_name="sideeffectreport", old_name="photo", new_name="photo_bytes"
        ),
        migrations.AddField(
            model_name="sideeffectreport",
            name="photo",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="sideeffectreport",
            name="photo_thumbnail",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(photos_to_storage, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="sideeffectreport", name="photo_bytes"),
    ]
