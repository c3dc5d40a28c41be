"""Consent: the clinic admin writes a treatment's consent text in versions; the patient signs.

A signed consent is never changed; a new version of its text asks for a new signature before
the next session (SPEC.md, "Consent").
"""

import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.screening import age_on
from mesoclinic.scheduling.models import Course, CourseStatus
from mesoclinic.treatments.models import Consent, ConsentTemplate, SignedVia
from mesoclinic.treatments.queries import consent_products, current_template

ONLY_ADMIN = "Only the clinic admin writes consent texts."
NO_TITLE = "A consent text needs its title."
NO_TEXT = "A consent text needs its text."
NO_RISKS = "A consent text lists the risks, one a line."
NO_TEMPLATE = (
    "The clinic has no consent text for {treatment} yet: the clinic admin writes it first "
    "(Consent texts)."
)
NOT_AGREED = "Tick the box to agree to the treatment."
NO_NAME = "Type your full name to sign."
BAD_DRAWING = (
    "The drawn signature could not be read: clear it and draw it again, or sign with your "
    "typed name only."
)
NEEDS_GUARDIAN = (
    "{patient} is under 18 on the day: a parent or guardian signs, with their name and "
    "relationship."
)
NOT_YOUR_COURSE = "You can only sign the consent for your own course."
COURSE_OVER = "This course is {status}: it takes no new consent."
WHERE_SIGNED = "A consent is signed in the portal or on the clinic's tablet."
ADULT = 18

# SVG path data only: move, line and curve commands and their numbers, nothing a browser runs.
DRAWING = re.compile(r"[MLQCZmlqcz0-9 .,\-]{0,20000}")


class ConsentRefused(Exception):
    """A consent that cannot be written or signed; the message says why."""


def consent_template_save(
    *, clinic_id: int, treatment: str, title: str, text: str, risks: Sequence[str], by: User
) -> ConsentTemplate:
    """Write the next version of the clinic's consent text for `treatment` (a protocol id)."""
    if by.role != Role.ADMIN or by.clinic_id != clinic_id:
        raise ConsentRefused(ONLY_ADMIN)
    risks = [risk.strip() for risk in risks if risk.strip()]
    for value, message in ((title, NO_TITLE), (text, NO_TEXT), (risks, NO_RISKS)):
        if not value or (isinstance(value, str) and not value.strip()):
            raise ConsentRefused(message)
    with transaction.atomic():
        # The clinic's row orders two writers, even of the first version, when no text is there
        # to lock yet. NO KEY UPDATE: what names the clinic (an audit event, an appointment) is
        # written meanwhile without waiting.
        list(Clinic.objects.select_for_update(no_key=True).filter(pk=clinic_id).values("pk"))
        latest = (
            ConsentTemplate.objects.filter(clinic_id=clinic_id, treatment=treatment)
            .values_list("version", flat=True)
            .first()
        )
        template = ConsentTemplate.objects.create(
            clinic_id=clinic_id,
            treatment=treatment,
            version=(latest or 0) + 1,
            title=title.strip(),
            text=text.strip(),
            risks=risks,
            written_by=by,
            written_at=timezone.now(),
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=template,
            summary=f"consent text for {treatment}, version {template.version}",
        )
    return template


def consent_sign(
    *,
    course: Course,
    photos_allowed: bool,
    typed_name: str,
    agreed: bool,
    drawing: str = "",
    guardian_name: str = "",
    guardian_relationship: str = "",
    signed_via: str,
    by: User,
) -> Consent:
    """Sign the current consent text for `course`: the patient in the portal, or on the tablet."""
    _check_signer(course, signed_via, by)
    _check_signature(course, typed_name, agreed, drawing, guardian_name, guardian_relationship)
    template = current_template(course.clinic_id, course.protocol_id)
    if template is None:
        raise ConsentRefused(NO_TEMPLATE.format(treatment=course.protocol_id))
    with transaction.atomic():
        consent = Consent.objects.create(
            clinic_id=course.clinic_id,
            patient=course.patient,
            course=course,
            template=template,
            title=template.title,
            text=template.text,
            risks=list(template.risks),
            products=consent_products(course),
            photos_allowed=photos_allowed,
            typed_name=typed_name.strip(),
            agreed=True,
            drawing=" ".join(drawing.split()),
            guardian_name=guardian_name.strip(),
            guardian_relationship=guardian_relationship.strip(),
            signed_via=signed_via,
            signed_at=timezone.now(),
            recorded_by=by,
        )
        photos = "photos allowed" if photos_allowed else "no photos"
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=consent,
            summary=f"consent signed ({template.treatment} v{template.version}, {photos}, "
            f"{consent.get_signed_via_display().lower()})",
            patient_id=course.patient_id,
        )
    return consent


def _check_signer(course: Course, signed_via: str, by: User) -> None:
    if signed_via not in SignedVia.values:
        raise ConsentRefused(WHERE_SIGNED)
    own = by.role == Role.PATIENT and course.patient.user_id == by.pk
    staff = by.role != Role.PATIENT and by.clinic_id == course.clinic_id
    if not (own if signed_via == SignedVia.PORTAL else staff):
        raise ConsentRefused(NOT_YOUR_COURSE)
    if course.status in (CourseStatus.COMPLETED, CourseStatus.CANCELLED):
        raise ConsentRefused(COURSE_OVER.format(status=course.get_status_display().lower()))


def _check_signature(
    course: Course, typed_name: str, agreed: bool, drawing: str, guardian: str, relationship: str
) -> None:
    if not agreed:
        raise ConsentRefused(NOT_AGREED)
    if not typed_name.strip():
        raise ConsentRefused(NO_NAME)
    if not DRAWING.fullmatch(drawing):
        raise ConsentRefused(BAD_DRAWING)
    patient = course.patient
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    minor = patient.birth_date is not None and age_on(patient.birth_date, today) < ADULT
    if minor and not (guardian.strip() and relationship.strip()):
        raise ConsentRefused(NEEDS_GUARDIAN.format(patient=patient))
