"""What the FHIR import remembers: each run, what it counted and which lines it rejected."""

import json
from typing import Any

from django.conf import settings
from django.db import models


class LongTextField(models.TextField):  # type: ignore[type-arg]
    """Text of a few kilobytes, such as a resource's JSON, inserted row by row by `bulk_create`.

    Django inserts many rows on PostgreSQL as one array per column, and psycopg escapes each
    quote of an array's text with a regular expression call: for JSON, full of quotes, that
    costs more than the rest of an insert. A placeholder of its own keeps these rows as plain
    VALUES. The import itself writes received resources through `mesoclinic.rows`, in binary."""

    def get_placeholder(self, value: object, compiler: object, connection: object) -> str:
        return "%s"


class ImportRun(models.Model):
    """One run of the FHIR importer over some files or one API request, for one clinic."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sources = models.TextField(help_text="The files or request the run read, one per line")
    started_at = models.DateTimeField(auto_now_add=True)
    # Empty while running: a run that never finished shows as such.
    finished_at = models.DateTimeField(null=True, blank=True)
    imported = models.JSONField(default=dict)
    updated = models.JSONField(default=dict)
    unchanged = models.JSONField(default=dict)
    rejected = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"FHIR import {self.started_at:%Y-%m-%d %H:%M}"


class ReceivedResource(models.Model):
    """A resource as an import received it, beside the columns the clinic works with.

    `mapped` is what the clinic's columns said, as FHIR, right after the import: an element the
    clinic has not changed since is exported as received, so a record that went in comes out
    whole; an element the clinic changed is exported as the clinic has it now.
    """

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.CASCADE, related_name="+")
    resource_type = models.CharField(max_length=40)
    fhir_id = models.CharField(max_length=64)
    resource = models.JSONField()
    # The resource as JSON text, its keys in the order they came: PostgreSQL's jsonb keeps
    # `resource` in an order of its own, and the export writes what came as it came.
    resource_text = LongTextField(blank=True, default="")
    mapped = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "resource_type", "fhir_id"], name="received_resource_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.fhir_id} as received"

    @property
    def as_received(self) -> dict[str, Any]:
        """The resource with its keys in the order they came."""
        if self.resource_text:
            received: dict[str, Any] = json.loads(self.resource_text)
            return received
        return dict(self.resource)


class BulkExportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BulkExport(models.Model):
    """One FHIR Bulk Data `$export` a clinic admin asked for: its files wait under `directory`."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The kick-off address as asked, which the manifest repeats.
    request = models.TextField()
    # The types asked for (`_type`), empty for every type the level holds.
    types = models.JSONField(default=list)
    patient_level = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=BulkExportStatus.choices, default=BulkExportStatus.RUNNING
    )
    # Resources per type written, once done; what went wrong, if it failed.
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"FHIR bulk export {self.pk}"
