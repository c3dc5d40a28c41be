"""The doors to consultations and plans: each is opened through its patient's permission check."""

from django.http import Http404

from mesoclinic.accounts.models import Role, User
from mesoclinic.patients.access import LARGEST_ID, get_patient_for
from mesoclinic.treatments.models import (
    Consent,
    Consultation,
    SessionPhoto,
    TreatmentPlan,
    TreatmentSession,
)

NO_CONSULTATION = "No such consultation in your clinic."
NO_PLAN = "No such treatment plan in your clinic."
NO_SESSION = "No such session record in your clinic."
NO_CONSENT = "No such consent in your clinic."
NO_PHOTO = "No such photo."


def consultation_for(user: User, consultation_id: int, *, purpose: str) -> Consultation:
    """The consultation if `user` may see its patient, else 404; the read is audited."""
    consultation = None
    if 0 < consultation_id < LARGEST_ID:
        consultation = (
            Consultation.objects.filter(pk=consultation_id)
            .select_related("practitioner__user", "appointment", "signed_by", "clinic")
            .first()
        )
    if consultation is None:
        raise Http404(NO_CONSULTATION)
    consultation.patient = get_patient_for(user, consultation.patient_id, purpose=purpose)
    return consultation


def plan_for(user: User, plan_id: int, *, purpose: str) -> TreatmentPlan:
    """The plan if `user` may see its patient, else 404; the read is audited."""
    plan = None
    if 0 < plan_id < LARGEST_ID:
        plan = (
            TreatmentPlan.objects.filter(pk=plan_id)
            .select_related("consultation__practitioner__user", "numbing_product")
            .first()
        )
    if plan is None:
        raise Http404(NO_PLAN)
    consultation = plan.consultation
    consultation.patient = get_patient_for(user, consultation.patient_id, purpose=purpose)
    return plan


def session_for(user: User, session_id: int, *, purpose: str) -> TreatmentSession:
    """The session record if `user` may see its patient, else 404; the read is audited."""
    session = None
    if 0 < session_id < LARGEST_ID:
        session = (
            TreatmentSession.objects.filter(pk=session_id)
            .select_related(
                "appointment__course",
                "appointment__clinic",
                "practitioner__user",
                "consent",
                "signed_by",
                "numbing_product",
                "numbing_lot",
                "soothing_product",
            )
            .first()
        )
    if session is None:
        raise Http404(NO_SESSION)
    session.patient = get_patient_for(user, session.patient_id, purpose=purpose)
    session.appointment.patient = session.patient
    return session


def consent_for(user: User, consent_id: int, *, purpose: str) -> Consent:
    """The signed consent if `user` may see its patient, else 404; the read is audited."""
    consent = None
    if 0 < consent_id < LARGEST_ID:
        consent = Consent.objects.filter(pk=consent_id).select_related("course", "clinic").first()
    if consent is None:
        raise Http404(NO_CONSENT)
    consent.patient = get_patient_for(user, consent.patient_id, purpose=purpose)
    return consent


def photo_for(user: User, photo_id: int) -> SessionPhoto:
    """The photo if `user` may see it, else 404; the read is audited.

    Photos are clinical: reception never sees them; the patient sees their own. Photo use
    follows the consent: when the course's newest consent says no photos, none is shown.
    """
    photo = None
    if 0 < photo_id < LARGEST_ID and user.role != Role.RECEPTION:
        photo = SessionPhoto.objects.filter(pk=photo_id).select_related("session").first()
    if photo is None:
        raise Http404(NO_PHOTO)
    photo.patient = get_patient_for(user, photo.patient_id, purpose=f"photo {photo.pk}")
    if not _photos_allowed(photo.session_id):
        raise Http404(NO_PHOTO)
    return photo


def session_photos_for(user: User, session_id: int) -> tuple[TreatmentSession, list[SessionPhoto]]:
    """A session's photos under the same rule as one photo (`photo_for`), else 404; audited."""
    if user.role == Role.RECEPTION:
        raise Http404(NO_PHOTO)
    session = session_for(user, session_id, purpose="session photos")
    if not _photos_allowed(session.pk):
        raise Http404(NO_PHOTO)
    return session, list(session.photos.order_by("pk"))


def _photos_allowed(session_id: int) -> bool:
    """Whether the newest consent of the session's course allows photos."""
    newest = (
        Consent.objects.filter(course__sessions__session_record=session_id)
        .order_by("-signed_at", "-pk")
        .values_list("photos_allowed", flat=True)
        .first()
    )
    return bool(newest)
