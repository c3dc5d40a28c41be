"""Changes to the clinic's rooms, practitioners and hours; one transaction each, audited."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from mesoclinic.accounts.domain import account_invite
from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record, save_form_audited
from mesoclinic.audit.models import Action
from mesoclinic.scheduling.models import Practitioner, Room


@transaction.atomic
def room_save(form: Any, by: User) -> Room:
    """Create or change a room."""
    room: Room = save_form_audited(form, by)
    return room


def practitioner_save(
    user_form: Any, practitioner_form: Any, hours: Any, by: User, request: HttpRequest
) -> Practitioner:
    """Create or change a practitioner with their account and working hours, all or nothing."""
    with transaction.atomic():
        adding = user_form.instance._state.adding
        if adding:
            user_form.instance.set_unusable_password()
        user = save_form_audited(user_form, by)
        practitioner_form.instance.user = user
        practitioner_form.instance.clinic = user.clinic
        practitioner: Practitioner = save_form_audited(practitioner_form, by)
        hours.instance = practitioner
        hours_save(hours, by, practitioner)
    if adding:
        account_invite(user, request)
    return practitioner


def hours_save(formset: Any, by: User, owner: Any) -> None:
    """Save a formset of opening or working hours and audit the change on its owner."""
    formset.save()
    if formset.has_changed():
        audit_record(by, Action.UPDATE, owner, summary=f"hours of {owner}")


@transaction.atomic
def opening_hours_save(formset: Any, by: User) -> None:
    """Replace the clinic's opening hours."""
    hours_save(formset, by, formset.instance)
