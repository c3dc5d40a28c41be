"""Sign-ins, failed sign-ins and sign-outs go into the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from mesoclinic.accounts.middleware import LAST_SEEN
from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record, sign_in_failure_audit
from mesoclinic.audit.models import Action


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(by=user, action=Action.LOGIN, obj=user)
    # The idle time counts from the sign-in.
    request.session[LAST_SEEN] = int(timezone.now().timestamp())


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(by=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # No one signed in, so record the name that was tried (never the password).
    sign_in_failure_audit(username=str(credentials.get("username", "")))
