"""Sign-ins, failed sign-ins and sign-outs go into the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.middleware import current_ip
from mesoclinic.audit.models import Action, AuditEvent


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(by=user, action=Action.LOGIN, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(by=user, action=Action.LOGOUT, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # No user is known, so record the name that was tried (never the password).
    AuditEvent.objects.create(
        action=Action.LOGIN_FAILED,
        object_type="accounts.User",
        actor_label=str(credentials.get("username", ""))[:150],
        ip_address=current_ip.get(),
    )
