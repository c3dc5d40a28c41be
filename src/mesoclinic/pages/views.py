"""The front door (the login page for visitors, each role's dashboard for users) and the chart."""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from mesoclinic.accounts.permissions import SignedInRequest, staff_required
from mesoclinic.accounts.views import LoginView
from mesoclinic.pages.chart import chart_context
from mesoclinic.pages.dashboard import TEMPLATES, dashboard_context
from mesoclinic.patients.access import get_patient_for


def home(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    user = request.user
    return render(request, TEMPLATES[user.role], dashboard_context(user))


@staff_required
def chart(request: SignedInRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for(request.user, patient_id, purpose="chart")
    context = chart_context(request.user, patient, request.GET.get("protocol", ""))
    return render(request, "pages/chart.html", context)
