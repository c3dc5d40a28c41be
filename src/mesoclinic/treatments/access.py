"""The doors to consultations and plans: each is opened through its patient's permission check."""

from django.http import Http404

from mesoclinic.accounts.models import User
from mesoclinic.patients.access import LARGEST_ID, get_patient_for
from mesoclinic.treatments.models import Consultation, TreatmentPlan

NO_CONSULTATION = "No such consultation in your clinic."
NO_PLAN = "No such treatment plan in your clinic."


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
