"""Who may open which page: one decorator per kind of check, used by every view."""

from collections.abc import Callable, Container
from functools import wraps
from typing import Concatenate, ParamSpec, TypeGuard

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError

from mesoclinic.accounts.models import STAFF_ROLES, ApiToken, Role, TokenScope, User

OUT_OF_SCOPE = "API token {prefix}… does not carry the {scope} scope."

Arguments = ParamSpec("Arguments")


class SignedInRequest(HttpRequest):
    """A request from a signed-in user of a clinic, as the permission decorators guarantee."""

    user: User


# A view as written (for a signed-in user), and as Django calls it (for any request).
SignedInView = Callable[Concatenate[SignedInRequest, Arguments], HttpResponse]
View = Callable[Concatenate[HttpRequest, Arguments], HttpResponse]


def is_signed_in(request: HttpRequest) -> TypeGuard[SignedInRequest]:
    """Whether a signed-in user, not a visitor, sent `request`."""
    return isinstance(request.user, User)


def signed_in_as(request: HttpRequest, roles: Container[str]) -> TypeGuard[SignedInRequest]:
    """Whether a user with one of `roles` sent `request`."""
    return is_signed_in(request) and request.user.role in roles


def roles_required(*roles: Role) -> Callable[[SignedInView[Arguments]], View[Arguments]]:
    """Let in signed-in users with one of `roles`; send others to login or refuse them (403)."""

    def decorator(view: SignedInView[Arguments]) -> View[Arguments]:
        # The request is positional only, as Django passes it and as `View` says.
        @wraps(view)
        def wrapped(
            request: HttpRequest, /, *args: Arguments.args, **kwargs: Arguments.kwargs
        ) -> HttpResponse:
            if not signed_in_as(request, roles):
                raise PermissionDenied("Your role cannot open this page.")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(*STAFF_ROLES)
clinical_staff_required = roles_required(Role.ADMIN, Role.PRACTITIONER)
patient_required = roles_required(Role.PATIENT)
# Pages for staff and patients alike (a calendar file), which check the record's owner themselves.
signed_in_required = roles_required(*Role)


def api_user_with_role(
    request: HttpRequest, roles: Container[str], refusal: str, scope: str = TokenScope.READ
) -> User:
    """The API caller (session or token) if their role is one of `roles`, else a 403 `refusal`.

    A caller with a token also needs the token to carry `scope`.
    """
    # Django Ninja puts whom the API's authentication let in on `request.auth`.
    user = getattr(request, "auth", None)
    if not isinstance(user, User) or user.role not in roles:
        raise HttpError(403, refusal)
    token = getattr(request, "api_token", None)
    if isinstance(token, ApiToken) and not token.allows(scope):
        needed = TokenScope(scope).value
        raise HttpError(403, OUT_OF_SCOPE.format(prefix=token.prefix, scope=needed))
    return user
