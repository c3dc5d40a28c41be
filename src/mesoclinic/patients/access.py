"""The one door to a patient record: every view loads patients through `get_patient_for`."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_denied, audit_record
from mesoclinic.audit.models import Action
from mesoclinic.patients.models import Patient

NOT_FOUND = "No such patient in your clinic."
LARGEST_ID = 2**63


def patients_visible_to(user: User | AnonymousUser) -> QuerySet[Patient]:
    """The patients `user` may see: their clinic's for staff, themselves for a patient."""
    if not user.is_authenticated:
        return Patient.objects.none()
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    return Patient.objects.filter(clinic_id=user.clinic_id)


def get_patient_for(user: User, patient_id: int | str, *, purpose: str = "chart") -> Patient:
    """The patient `patient_id` if `user` may see it, else 404; the read is audited."""
    try:
        key = int(patient_id)
        # Past 64 bits no row can match, and the database would refuse the number outright.
        if not 0 < key < LARGEST_ID:
            raise ValueError(key)
        # The clinic comes with it: its time zone dates what every patient page shows.
        patient = patients_visible_to(user).select_related("clinic").get(pk=key)
    except Patient.DoesNotExist:
        _denied(user, key)
        raise Http404(NOT_FOUND) from None
    except (ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    audit_record(by=user, action=Action.READ, obj=patient, summary=purpose, patient_id=patient.pk)
    return patient


def _denied(user: User, key: int) -> None:
    """Tell the clinic whose patient someone else asked for (nothing, if no such patient)."""
    clinic_id = Patient.objects.filter(pk=key).values_list("clinic_id", flat=True).first()
    if clinic_id is not None:
        audit_denied(
            by=user,
            object_type="patients.Patient",
            object_id=str(key),
            clinic_id=clinic_id,
            patient_id=key,
        )
