"""The consultation record and the treatment plan it recommends, area by area.

A consultation belongs to its consultation appointment (or was started from the chart); once
signed it is read-only and corrected by addenda. A plan names, per area, the technique, depth,
volume and the catalogue's products, so a session can chart against it.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models

from mesoclinic.inventory.models import Product


class Fitzpatrick(models.IntegerChoices):
    """Fitzpatrick skin phototype."""

    I = 1, "I: always burns, never tans"  # noqa: E741 (the phototype's own name)
    II = 2, "II: usually burns, tans minimally"
    III = 3, "III: sometimes burns, tans uniformly"
    IV = 4, "IV: burns minimally, always tans"
    V = 5, "V: very rarely burns, tans very easily"
    VI = 6, "VI: never burns"


class SkinType(models.TextChoices):
    NORMAL = "normal", "Normal"
    DRY = "dry", "Dry"
    OILY = "oily", "Oily"
    COMBINATION = "combination", "Combination"
    SENSITIVE = "sensitive", "Sensitive"


class Recommendation(models.TextChoices):
    """What the consultation recommends (000: "another treatment would be more appropriate")."""

    MESOTHERAPY = "mesotherapy", "A mesotherapy plan"
    OTHER_TREATMENT = "other-treatment", "Another treatment instead"
    NOT_SUITABLE = "not-suitable", "Not suitable"


class Consultation(models.Model):
    """What one consultation found and recommended, signed by the practitioner."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="consultations"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consultations"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_record",
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.PROTECT, related_name="consultations"
    )
    concerns = models.TextField(blank=True)
    areas = models.JSONField(default=list)
    fitzpatrick = models.PositiveSmallIntegerField(
        "Fitzpatrick type", choices=Fitzpatrick.choices, null=True, blank=True
    )
    skin_type = models.CharField(max_length=20, choices=SkinType.choices, blank=True)
    # The skin's condition in each area examined: {"cheeks": "fine lines, dehydrated"}.
    area_conditions = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices, blank=True)
    recommendation_reason = models.TextField(blank=True)
    # The screening the practitioner reviewed, kept as it was when they signed.
    screening_protocol_id = models.CharField(max_length=40, blank=True)
    screening_protocol_version = models.CharField(max_length=40, blank=True)
    screening_on = models.DateField(null=True, blank=True)
    screening_verdict = models.CharField(max_length=20, blank=True)
    screening_findings = models.JSONField(default=list)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Consultation of {self.created_at:%Y-%m-%d} for {self.patient}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class ConsultationAddendum(models.Model):
    """A note added to a signed consultation: the record itself is never edited."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name_plural = "consultation addenda"

    def __str__(self) -> str:
        return f"Addendum of {self.written_at:%Y-%m-%d %H:%M}"


class TreatmentPlan(models.Model):
    """The mesotherapy plan a consultation recommends: its course and, per area, the treatment."""

    consultation = models.OneToOneField(Consultation, on_delete=models.PROTECT, related_name="plan")
    protocol_id = models.CharField(max_length=40)
    protocol_version = models.CharField(max_length=40)
    template_id = models.CharField(max_length=60)
    # None when the practitioner chose no numbing cream.
    numbing_product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"Treatment plan {self.protocol_id}/{self.template_id}"


class Technique(models.TextChoices):
    PAPULES = "papules", "Point-by-point papules"
    NAPPAGE = "nappage", "Nappage"
    LINEAR_RETROGRADE = "linear-retrograde", "Linear retrograde"
    MESOLIFT = "mesolift", "Mesolift"
    MICRONEEDLING = "micro-needling", "Micro-needling with a pen"


class Layer(models.TextChoices):
    EPIDERMIS = "epidermis", "Epidermis"
    SUPERFICIAL_DERMIS = "superficial-dermis", "Superficial dermis"
    MID_DERMIS = "mid-dermis", "Mid dermis"
    DEEP_DERMIS = "deep-dermis", "Deep dermis"
    SUBCUTIS = "subcutis", "Subcutaneous"


class PlanArea(models.Model):
    """One area of a plan: how it is treated and with which products (002: per skin region)."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(max_length=40)
    technique = models.CharField(max_length=30, choices=Technique.choices)
    depth_mm = models.DecimalField(
        "depth (mm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    layer = models.CharField(max_length=30, choices=Layer.choices, blank=True)
    volume_ml = models.DecimalField("planned volume (mL)", max_digits=5, decimal_places=2)
    products: "models.ManyToManyField[Product, PlanAreaProduct]" = models.ManyToManyField(
        Product, through="PlanAreaProduct", related_name="+"
    )

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="plan_area_once"),
            models.CheckConstraint(
                condition=models.Q(depth_mm__isnull=False) | ~models.Q(layer=""),
                name="plan_area_has_depth_or_layer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_technique_display()}"

    @property
    def depth_shown(self) -> str:
        """The depth as a person writes it: "1 mm", "superficial dermis", or both."""
        parts = [f"{_plain(self.depth_mm)} mm"] if self.depth_mm is not None else []
        if self.layer:
            parts.append(self.get_layer_display().lower())
        return ", ".join(parts)

    @property
    def volume_shown(self) -> str:
        return f"{_plain(self.volume_ml)} mL"


def _plain(value: Decimal) -> str:
    """1.50 as "1.5", 2.00 as "2", 10 as "10"."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


class PlanAreaProduct(models.Model):
    """One product of an area's formulation, in the order the practitioner listed them."""

    area = models.ForeignKey(PlanArea, on_delete=models.CASCADE, related_name="formulation")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "product"], name="plan_area_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} in {self.area}"


# The risks every consent names, as the seeds list them (003, 004: infection, allergy, bruising,
# nodules, pigmentation; SPEC.md, "Consent").
CONSENT_RISKS = (
    "Infection at an injection site",
    "An allergic reaction to an ingredient",
    "Bruising, redness and swelling for a few days",
    "Small lumps (nodules) under the skin",
    "Changes of skin colour (pigmentation)",
)


class ConsentTemplate(models.Model):
    """The clinic's consent text for one treatment (a protocol), in numbered versions."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="consent_templates"
    )
    treatment = models.CharField(max_length=40, help_text="The protocol the consent is for.")
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    risks = models.JSONField(default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["treatment", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "treatment", "version"], name="consent_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class SignedVia(models.TextChoices):
    PORTAL = "portal", "In the patient portal"
    TABLET = "tablet", "On the clinic's tablet"


class ImmutableRecord(Exception):
    """A signed record was about to be changed or deleted; it takes addenda instead."""


class Consent(models.Model):
    """A patient's signed consent to a course: the text, products and risks as they were shown.

    Created signed and never changed afterwards (SPEC.md, "Consent": immutable).
    """

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    course = models.ForeignKey(
        "scheduling.Course", on_delete=models.PROTECT, related_name="consents"
    )
    template = models.ForeignKey(ConsentTemplate, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()
    risks = models.JSONField(default=list)
    # [{"name": ..., "off_label": ...}] for every planned product, numbing cream included.
    products = models.JSONField(default=list)
    photos_allowed = models.BooleanField()
    typed_name = models.CharField(max_length=200)
    agreed = models.BooleanField()
    # The drawn signature as SVG path data ("M10 20 L11 22 …"), empty when only typed.
    drawing = models.TextField(blank=True)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_relationship = models.CharField(max_length=100, blank=True)
    signed_via = models.CharField(max_length=10, choices=SignedVia.choices)
    signed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-signed_at", "-id"]

    def __str__(self) -> str:
        return f"Consent of {self.signed_at:%Y-%m-%d} by {self.typed_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("A signed consent is never changed; the patient signs anew.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord("A signed consent is kept.")


class ChartMap(models.TextChoices):
    """The drawings a point is charted on (SPEC.md, "Session record")."""

    FACE_FRONT = "face-front", "Face, front"
    FACE_LEFT = "face-left", "Face, left profile"
    FACE_RIGHT = "face-right", "Face, right profile"
    NECK = "neck", "Neck and décolletage"
    HANDS = "hands", "Hands"
    ABDOMEN = "abdomen", "Abdomen"
    THIGHS = "thighs", "Thighs"
    ARMS = "arms", "Arms"
    SCALP = "scalp", "Scalp"


class TreatmentSession(models.Model):
    """What was done at one session of a course; signed by the practitioner, then read-only."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="session_record"
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="sessions")
    started_at = models.DateTimeField()
    # The screening run on the day, and what it found that the booking had not.
    screening_verdict = models.CharField(max_length=20)
    screening_findings = models.JSONField(default=list)
    new_findings = models.JSONField(default=list)
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Each preparation step asked about: [{"instruction", "concept", "followed", "note"}].
    preparation = models.JSONField(default=list)
    disinfection = models.CharField(max_length=200, blank=True)
    numbing_product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    numbing_lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    numbing_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # 001: "The cream that soothes the skin or a special ILP mask".
    soothing_product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reactions = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Session of {self.started_at:%Y-%m-%d} for {self.patient}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class ChartPoint(models.Model):
    """One injection point: where on which map, from which lot, how deep, how much, how."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="points")
    map = models.CharField(max_length=20, choices=ChartMap.choices)
    area = models.CharField(max_length=40)
    # The position relative to the drawing: 0 is the left or top edge, 1 the right or bottom.
    x = models.DecimalField(max_digits=5, decimal_places=4)
    y = models.DecimalField(max_digits=5, decimal_places=4)
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="points")
    depth_mm = models.DecimalField("depth (mm)", max_digits=4, decimal_places=1)
    volume_ml = models.DecimalField("volume (mL)", max_digits=5, decimal_places=2)
    technique = models.CharField(max_length=30, choices=Technique.choices)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1),
                name="chart_point_on_the_map",
            ),
            models.CheckConstraint(
                condition=models.Q(volume_ml__gt=0), name="chart_point_has_volume"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} ({self.x}, {self.y})"


class SessionAddendum(models.Model):
    """A note added to a signed session record: the record itself is never edited."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name_plural = "session addenda"

    def __str__(self) -> str:
        return f"Addendum of {self.written_at:%Y-%m-%d %H:%M}"


class PhotoView(models.TextChoices):
    """The standard views (SPEC.md, "Session record")."""

    FRONT = "front", "Front"
    LEFT_45 = "left-45", "Left 45°"
    RIGHT_45 = "right-45", "Right 45°"
    LEFT_90 = "left-90", "Left 90°"
    RIGHT_90 = "right-90", "Right 90°"


class PhotoMoment(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class SessionPhoto(models.Model):
    """A photo of one standard view before or after a session, without its EXIF, stored under
    the private media folder and served only through the patient's permission check."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="session_photos"
    )
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="photos")
    view = models.CharField(max_length=10, choices=PhotoView.choices)
    moment = models.CharField(max_length=10, choices=PhotoMoment.choices)
    # Paths under MEDIA_ROOT, never under the static files.
    image = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    fhir_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["session", "moment", "view", "id"]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} photo, {self.get_view_display()}"
