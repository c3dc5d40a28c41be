"""The JSON API at /api/v1/, documented at /api/v1/openapi.json. Each app adds its own router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from mesoclinic.accounts.models import User
from mesoclinic.accounts.tokens import user_for_token


class Session(SessionAuth):
    """The signed-in session, CSRF-checked; a request without a session cookie is not one."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Else a script's bearer request fails the CSRF check before its token is even read.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


class ApiToken(HttpBearer):
    """A staff member's API token (`mesoclinic api-token`), for scripts; no session, no CSRF."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


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
