"""Changes to the clinic's set-up: rooms, practitioners, hours and closed days; each audited."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import models, transaction

from mesoclinic.accounts.domain import account_invite
from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import (
    ClinicClosure,
    Hours,
    OpeningHours,
    Practitioner,
    Room,
    WorkingHours,
)


@dataclass(frozen=True)
class WeeklyPeriod:
    """A stretch of one weekday (0 = Monday) when the clinic is open or a practitioner works."""

    weekday: int
    starts: time
    ends: time


@transaction.atomic
def room_save(
    *, clinic: Clinic, room: Room | None, name: str, for_sessions: bool, active: bool, by: User
) -> Room:
    """Add a room to `clinic`, or change `room`."""
    room = room or Room(clinic=clinic)
    values = {"name": name, "for_sessions": for_sessions, "active": active}
    saved: Room = save_audited(obj=room, values=values, by=by)
    return saved


def practitioner_save(
    *,
    clinic: Clinic,
    practitioner: Practitioner | None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    profession: str,
    registration_number: str,
    active: bool,
    hours: Sequence[WeeklyPeriod],
    by: User,
) -> Practitioner:
    """Add or change a practitioner with their account and working hours, all or nothing.

    A new practitioner is emailed a link to choose their password once the change is saved.
    """
    with transaction.atomic():
        adding = practitioner is None
        user = practitioner.user if practitioner else User(clinic=clinic, role=Role.PRACTITIONER)
        if adding:
            user.set_unusable_password()
        account = {"username": username, "first_name": first_name, "last_name": last_name}
        save_audited(obj=user, values={**account, "email": email, "is_active": is_active}, by=by)
        practitioner = practitioner or Practitioner(clinic=clinic, user=user)
        values = {"profession": profession, "registration_number": registration_number}
        saved: Practitioner = save_audited(
            obj=practitioner, values={**values, "active": active}, by=by
        )
        if _hours_replace(saved.working_hours.all(), WorkingHours, {"practitioner": saved}, hours):
            audit_record(by=by, action=Action.UPDATE, obj=saved, summary=f"hours of {saved}")
    if adding:
        account_invite(user=user)
    return saved


@transaction.atomic
def opening_hours_save(*, clinic: Clinic, hours: Sequence[WeeklyPeriod], by: User) -> None:
    """Replace the clinic's opening hours."""
    if _hours_replace(clinic.opening_hours.all(), OpeningHours, {"clinic": clinic}, hours):
        audit_record(by=by, action=Action.UPDATE, obj=clinic, summary=f"hours of {clinic}")


def _hours_replace(
    current: models.QuerySet[Hours],
    model: type[Hours],
    owner: dict[str, Clinic | Practitioner],
    hours: Sequence[WeeklyPeriod],
) -> bool:
    """Replace the `current` hours with `hours`; whether anything changed."""
    before = set(current.values_list("weekday", "starts", "ends"))
    if before == {(p.weekday, p.starts, p.ends) for p in hours}:
        return False
    current.delete()
    model.objects.bulk_create(
        model(**owner, weekday=p.weekday, starts=p.starts, ends=p.ends) for p in hours
    )
    return True


@transaction.atomic
def closure_add(*, clinic: Clinic, day: date, reason: str, by: User) -> ClinicClosure:
    """Close the clinic on one day."""
    closure = ClinicClosure(clinic=clinic)
    saved: ClinicClosure = save_audited(obj=closure, values={"day": day, "reason": reason}, by=by)
    return saved


@transaction.atomic
def closure_remove(*, closure: ClinicClosure, by: User) -> None:
    """Open the clinic again on a day it was closed."""
    audit_record(by=by, action=Action.DELETE, obj=closure, summary=f"open again on {closure.day}")
    closure.delete()
