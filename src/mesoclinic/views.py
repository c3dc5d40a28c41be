"""The front door: the login page for visitors, each role's dashboard for users."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesoclinic.accounts.views import LoginView
from mesoclinic.dashboard import TEMPLATES, dashboard_context


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    user = request.user
    return render(request, TEMPLATES[user.role], dashboard_context(user))
