"""`mesoclinic lot-recall LOT [--json]`: who received a lot, to call them for follow-up."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.command_clinic import add_clinic_argument, clinic_for_command
from mesoclinic.audit.domain import audit_patients_shown
from mesoclinic.commands import ReportCommand
from mesoclinic.inventory.models import Lot
from mesoclinic.treatments.queries import lot_sessions, recall_json

NO_SUCH_LOT = "No lot {key!r} in {clinic}; give the lot number on the box or the lot's id."


class Command(ReportCommand):
    help = "List the patients, sessions, dates and contact details of everyone who received a lot."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("lot", help="the lot number (every product's lot of that number)")
        add_clinic_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = clinic_for_command(options["clinic"])
        key = options["lot"].strip()
        lots = list(
            Lot.objects.filter(clinic=clinic, number=key).select_related("product").order_by("pk")
        )
        if not lots and key.isdigit() and len(key) < 19:
            lots = list(Lot.objects.filter(clinic=clinic, pk=int(key)).select_related("product"))
        if not lots:
            raise CommandError(NO_SUCH_LOT.format(key=key, clinic=clinic))
        sessions = lot_sessions([lot.pk for lot in lots])
        patients = {session.patient_id: session.patient for session in sessions}
        audit_patients_shown(
            by=None, patients=patients.values(), summary=f"lot recall list: lot {key}"
        )
        self.report(options, recall_json(lots, sessions), _text(lots, sessions))


def _text(lots: list[Lot], sessions: list[Any]) -> str:
    names = ", ".join(f"{lot.product} lot {lot.number} ({lot.status})" for lot in lots)
    if not sessions:
        return f"{names}: no session used it."
    lines = [f"{names}: {len({s.patient_id for s in sessions})} patients, {len(sessions)} sessions"]
    for session in sessions:
        patient = session.patient
        contact = ", ".join(filter(None, [patient.phone, patient.email])) or "no contact details"
        lines.append(
            f"  {session.started_at:%Y-%m-%d}  {patient}  ({contact})  session {session.pk}"
        )
    return "\n".join(lines)
