"""The door to a side-effect report: opened only through its patient's permission check."""

from django.http import Http404

from mesoclinic.accounts.models import User
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.patients.access import LARGEST_ID, get_patient_for

NO_REPORT = "No such side-effect report."


def report_for(user: User, report_id: int, *, purpose: str) -> SideEffectReport:
    """The report if `user` may see its patient, else 404; the read is audited."""
    if not 0 < report_id < LARGEST_ID:
        raise Http404(NO_REPORT)
    report = (
        SideEffectReport.objects.filter(pk=report_id)
        .select_related(
            "clinic", "practitioner__user", "session", "appointment__practitioner__user"
        )
        .first()
    )
    if report is None:
        raise Http404(NO_REPORT)
    report.patient = get_patient_for(user, report.patient_id, purpose=purpose)
    return report
