"""Which clinic a command works on: the only one, or the one named with --clinic."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.models import Clinic

NO_CLINIC = "There is no clinic yet: create one first (for example with `mesoclinic demo`)."
WHICH_CLINIC = "There are {count} clinics; say which with --clinic ID ({names})."
NO_SUCH_CLINIC = "--clinic {id}: no such clinic ({names})."


def clinic_for_command(clinic_id: int | None) -> Clinic:
    """The clinic named by `--clinic`, else the only clinic; a clear error otherwise."""
    clinics = list(Clinic.objects.order_by("pk"))
    names = ", ".join(f"{c.pk} {c.name}" for c in clinics)
    if clinic_id is not None:
        found = [c for c in clinics if c.pk == clinic_id]
        if not found:
            raise CommandError(NO_SUCH_CLINIC.format(id=clinic_id, names=names or "none exist"))
        return found[0]
    if not clinics:
        raise CommandError(NO_CLINIC)
    if len(clinics) > 1:
        raise CommandError(WHICH_CLINIC.format(count=len(clinics), names=names))
    return clinics[0]


def add_clinic_argument(parser: Any) -> None:
    """The `--clinic ID` option, needed only where there is more than one clinic."""
    parser.add_argument("--clinic", type=int, help="the clinic's id, if there are several")
