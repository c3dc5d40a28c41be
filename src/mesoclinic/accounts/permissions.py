"""Who may open which page: one decorator per kind of check, used by every view."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError

from mesoclinic.accounts.models import STAFF_ROLES, Role

View = Callable[..., HttpResponse]


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Let in signed-in users with one of `roles`; send others to login or refuse them (403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role not in roles:  # type: ignore[union-attr]
                raise PermissionDenied("Your role cannot open this page.")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(*STAFF_ROLES)
clinical_staff_required = roles_required(Role.ADMIN, Role.PRACTITIONER)
patient_required = roles_required(Role.PATIENT)


def api_user_with_role(request: HttpRequest, roles: Iterable[str], refusal: str) -> Any:
    """The API caller (session or token) if their role is one of `roles`, else a 403 `refusal`."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if user.role not in roles:
        raise HttpError(403, refusal)
    return user
