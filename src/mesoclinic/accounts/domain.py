"""Changes to clinic staff accounts, each one transaction with its audit row."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.accounts.site import site_link_context
from mesoclinic.audit.domain import save_audited


def staff_save(
    *,
    clinic: Clinic,
    member: User | None,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    by: User,
) -> User:
    """Add or change a staff account; a new one is emailed a link to choose its password."""
    with transaction.atomic():
        adding = member is None
        member = member or User(clinic=clinic)
        if adding:
            member.set_unusable_password()
        account = {"username": username, "first_name": first_name, "last_name": last_name}
        values = {**account, "email": email, "role": role, "is_active": is_active}
        saved = save_audited(obj=member, values=values, by=by)
    if adding:
        account_invite(user=saved)
    return saved


def account_invite(*, user: User) -> None:
    """Email `user` a one-time link to choose a password, once the account is saved."""
    transaction.on_commit(lambda: _invite_send(user))


def _invite_send(user: User) -> None:
    # PasswordResetForm.save() skips accounts without a usable password, so build its mail here.
    context = {
        "email": user.email,
        "site_name": user.clinic.name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        **site_link_context(),
    }
    PasswordResetForm().send_mail(
        "registration/invite_subject.txt",
        "registration/invite_email.txt",
        context,
        None,
        user.email,
    )
