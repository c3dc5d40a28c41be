"""What waits to leave, and what became of it: queued, sent, or failed after its last retry."""

from django.db import models


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """Something the worker delivers, retrying on failure; a reminder reuses it as an email does."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.CASCADE, null=True, related_name="+"
    )
    # What it is to the clinic: "staff invitation", "intake link", "password reset".
    kind = models.CharField(max_length=60)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # What the message is the one delivery of ("reminder-12"): the database refuses a second.
    key = models.CharField(max_length=60, null=True, blank=True, unique=True)

    class Meta:
        abstract = True


class Email(Delivery):
    """One email; its body holds links with secrets, so it is kept only until it has left."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"


class Sms(Delivery):
    """One text message, sent through the configured SMS backend (the console in development)."""

    to = models.CharField(max_length=40)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
