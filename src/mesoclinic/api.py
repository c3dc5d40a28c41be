"""The JSON API at /api/v1/, documented at /api/v1/openapi.json. Each app adds its own router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tokens import token_for, token_use_audit


class Session(SessionAuth):
    """The signed-in session, CSRF-checked; a request without a session cookie is not one."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # A script's bearer request is judged by its token alone, whatever cookie came along:
        # else a stale session cookie fails the CSRF check before the token is even read.
        if self.param_name not in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return None
        return super()._get_key(request)


class ApiToken(HttpBearer):
    """A staff member's API token (`mesoclinic api-token`), for scripts; no session, no CSRF."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = token_for(token)
        if row is None:
            return None
        request.user = row.user
        # The routes check the token's scopes (`api_user_with_role`); every use is audited.
        request.api_token = row  # type: ignore[attr-defined]  # set for the route to read
        token_use_audit(row, request.method or "GET", request.path)
        return row.user


api = NinjaAPI(
    title="mesoclinic",
    version="1",
    urls_namespace="api",
    # The pages' htmx calls use the session (with its CSRF check); scripts use a bearer token.
    auth=[Session(), ApiToken()],
    docs_url="/docs",
)
api.add_router("/patients/", "mesoclinic.patients.api.router")
api.add_router("/fhir/", "mesoclinic.fhir.api.router")
api.add_router("/scheduling/", "mesoclinic.scheduling.api.router")
api.add_router("/inventory/", "mesoclinic.inventory.api.router")
api.add_router("/treatments/", "mesoclinic.treatments.api.router")
