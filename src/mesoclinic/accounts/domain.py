"""Changes to clinic staff accounts, each one transaction with its audit row."""

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template import loader
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.accounts.site import site_link_context
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.outbox.domain import email_queue
from mesoclinic.outbox.models import Email


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
    """Queue for `user` an email with a one-time link to choose a password, once saved."""
    transaction.on_commit(lambda: _invite_queue(user))


def _invite_queue(user: User) -> None:
    # Django's reset link (uid and token), which works for an account without a password yet.
    context = {
        "email": user.email,
        "site_name": user.clinic.name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        **site_link_context(),
    }
    account_email_queue(
        kind="staff invitation",
        subject_template="registration/invite_subject.txt",
        body_template="registration/invite_email.txt",
        context=context,
        to=user.email,
        clinic_id=user.clinic_id,
    )


def account_email_queue(
    *,
    kind: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
    to: str,
    clinic_id: int | None,
) -> Email:
    """Render an account email (an invitation, a password reset) and queue it for the worker."""
    subject = "".join(loader.render_to_string(subject_template, context).splitlines())
    body = loader.render_to_string(body_template, context)
    return email_queue(to=to, subject=subject, body=body, kind=kind, clinic_id=clinic_id)


RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery codes"


def totp_device_start(*, by: User) -> TOTPDevice:
    """The authenticator-app device `by` is setting up: unconfirmed until a code proves it."""
    with transaction.atomic():
        device: TOTPDevice | None = TOTPDevice.objects.filter(user=by, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=by, name="authenticator app", confirmed=False)
        return device


def totp_device_confirm(*, device: TOTPDevice, token: str, by: User) -> bool:
    """Confirm `device` if `token` is its current code; the enrolment is audited."""
    with transaction.atomic():
        if device.user_id != by.pk or not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            by=by, action=Action.CREATE, obj=by, summary="second factor: authenticator app"
        )
    return True


def recovery_codes_issue(*, by: User) -> list[str]:
    """Replace `by`'s recovery codes with new ones, each good once; they are shown only now."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=by, name=RECOVERY_DEVICE)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit_record(by=by, action=Action.UPDATE, obj=by, summary="recovery codes issued")
    return codes


def second_factor_reset(*, member: User, by: User) -> None:
    """Remove every second factor of `member`: they set one up again at their next sign-in."""
    with transaction.atomic():
        for device in devices_for_user(member, confirmed=None):
            device.delete()
        audit_record(by=by, action=Action.UPDATE, obj=member, summary="second factor reset")


def clinic_settings_save(
    *,
    clinic: Clinic,
    staff_idle_minutes: int,
    urgent_escalation_minutes: int | None = None,
    country: str | None = None,
    by: User,
) -> Clinic:
    """Change the clinic's settings (sign-in idle time, urgent side effects' escalation, the
    country phone numbers are read in); audited."""
    values: dict[str, object] = {"staff_idle_minutes": staff_idle_minutes}
    if urgent_escalation_minutes is not None:
        values["urgent_escalation_minutes"] = urgent_escalation_minutes
    if country is not None:
        values["country"] = country
    with transaction.atomic():
        return save_audited(obj=clinic, values=values, by=by)
