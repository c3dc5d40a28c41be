"""Pages speak the clinic's local time: a Paris clinic sees Paris times on a London server."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ClinicTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        timezone.activate(user.clinic.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
