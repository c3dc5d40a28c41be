"""What the FHIR import remembers: each run, what it counted and which lines it rejected."""

from django.conf import settings
from django.db import models


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
