"""GAIS scores of a course (or of one session), from its practitioner and from its patient."""

from django.conf import settings
from django.db import models


class Rater(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    PATIENT = "patient", "Patient"


class Gais(models.IntegerChoices):
    """The Global Aesthetic Improvement Scale (SPEC.md, outcomes): 1 very much improved … 5."""

    VERY_MUCH_IMPROVED = 1, "Very much improved"
    MUCH_IMPROVED = 2, "Much improved"
    IMPROVED = 3, "Improved"
    NO_CHANGE = 4, "No change"
    WORSE = 5, "Worse"


class GaisScore(models.Model):
    """One GAIS score: of the whole course (no session) or after one of its sessions."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="gais_scores"
    )
    course = models.ForeignKey(
        "scheduling.Course", on_delete=models.PROTECT, related_name="gais_scores"
    )
    session = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gais_scores",
    )
    # Who treated: the practitioner of the course's last session (or of the session scored),
    # kept on the score so the reports group by it without reading every course's sessions.
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.PROTECT, null=True, related_name="+"
    )
    rater = models.CharField(max_length=15, choices=Rater.choices)
    score = models.PositiveSmallIntegerField(choices=Gais.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="gais_one_to_five"
            ),
            # A score is a clinical record: given once, never changed.
            models.UniqueConstraint(
                fields=["course", "rater"],
                condition=models.Q(session__isnull=True),
                name="gais_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["session", "rater"],
                condition=models.Q(session__isnull=False),
                name="gais_once_per_session",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "recorded_at"], name="gais_by_clinic")]

    def __str__(self) -> str:
        return f"GAIS {self.score} ({self.get_score_display()}) by the {self.rater}"
