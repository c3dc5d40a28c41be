"""`mesoclinic lot-recall LOT [--json]`: who received a lot, to call them for follow-up."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.command_clinic import add_clinic_argument, clinic_for_command
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.commands import ReportCommand
from mesoclinic.inventory.models import Lot
from mesoclinic.treatments.queries import Recipient, lot_recipients, recall_json, recipients_shown

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
        recipients = lot_recipients([lot.pk for lot in lots])
        audit_list_shown(
            by=None,
            patients=recipients_shown(clinic.pk, recipients),
            summary=f"lot recall list: lot {key}",
        )
        self.report(options, recall_json(lots, recipients), _text(lots, recipients))


def _text(lots: list[Lot], recipients: list[Recipient]) -> str:
    names = ", ".join(f"{lot.product} lot {lot.number} ({lot.status})" for lot in lots)
    if not recipients:
        return f"{names}: no session used it."
    patients = len({r.patient_id for r in recipients})
    lines = [f"{names}: {patients} patients, {len(recipients)} sessions"]
    for r in recipients:
        contact = ", ".join(filter(None, [r.phone, r.email])) or "no contact details"
        lines.append(f"  {r.started_at:%Y-%m-%d}  {r.name}  ({contact})  session {r.session_id}")
    return "\n".join(lines)
