"""The JSON API at /api/v1/, documented at /api/v1/openapi.json. Each app adds its own router."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="mesoclinic",
    version="1",
    urls_namespace="api",
    auth=[django_auth],
    docs_url="/docs",
)
api.add_router("/patients/", "mesoclinic.patients.api.router")
api.add_router("/fhir/", "mesoclinic.fhir.api.router")
api.add_router("/scheduling/", "mesoclinic.scheduling.api.router")
