"""Changes to clinic staff accounts, each one transaction with its audit row."""

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import save_form_audited


def staff_save(form: Any, by: User, request: HttpRequest) -> User:
    """Create or change a staff account; a new one gets an email to set its password."""
    with transaction.atomic():
        adding = form.instance._state.adding
        if adding:
            form.instance.set_unusable_password()
        user: User = save_form_audited(form, by)
    if adding:
        account_invite(user, request)
    return user


def account_invite(user: User, request: HttpRequest) -> None:
    """Email `user` a one-time link to choose a password."""
    # PasswordResetForm.save() skips accounts without a usable password, so build its mail here.
    context = {
        "email": user.email,
        "domain": request.get_host(),
        "site_name": user.clinic.name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    PasswordResetForm().send_mail(
        "registration/invite_subject.txt",
        "registration/invite_email.txt",
        context,
        None,
        user.email,
    )
