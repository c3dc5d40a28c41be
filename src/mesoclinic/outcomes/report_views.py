"""The clinic's reports for admins and practitioners: SVG charts, CSV, and the patients behind
each figure (audited). Reception sees none of them."""

import csv
import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required
from mesoclinic.audit.domain import audit_patients_shown
from mesoclinic.outcomes.charts import chart
from mesoclinic.outcomes.forms import ReportFilter
from mesoclinic.outcomes.reports import REPORTS, Scope, patients_behind, report_tables
from mesoclinic.patients.models import Patient

NO_REPORT = "No such report."
# A figure may count tens of thousands: the list shows them a readable page at a time.
PATIENTS_PER_PAGE = 100
TITLES = {
    "courses": "Courses",
    "no-shows": "No-shows",
    "gais": "GAIS scores",
    "side-effects": "Side effects",
    "follow-up": "Follow-up response times",
    "screening": "Screening and overrides",
}


def _scope(request: SignedInRequest, name: str) -> tuple[ReportFilter, Scope | None]:
    """The filter the request gives, and the scope it covers (None if the filter is wrong)."""
    if name not in REPORTS:
        raise Http404(NO_REPORT)
    clinic = request.user.clinic
    tz = clinic.tzinfo
    form = ReportFilter(request.GET, clinic=clinic, today=timezone.localdate(timezone=tz))
    if not form.is_valid():
        return form, None
    start = dt.datetime.combine(form.cleaned_data["start"], dt.time(), tzinfo=tz)
    end = dt.datetime.combine(form.cleaned_data["end"] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    practitioner = form.cleaned_data["practitioner"]
    return form, Scope(clinic, start, end, practitioner.pk if practitioner else None)


@clinical_staff_required
def report(request: SignedInRequest, name: str) -> HttpResponse:
    """One report as charts and tables, each figure linking to its patients."""
    form, scope = _scope(request, name)
    charts = [chart(table) for table in report_tables(scope, name)] if scope else []
    context = {
        "form": form,
        "name": name,
        "title": TITLES[name],
        "reports": TITLES,
        "charts": charts,
        "query": request.GET.urlencode(),
    }
    return render(request, "outcomes/report.html", context)


@clinical_staff_required
def report_csv(request: SignedInRequest, name: str) -> HttpResponse:
    """The report's figures as CSV: table, figure, value, count, note."""
    form, scope = _scope(request, name)
    if scope is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["table", "figure", "value", "unit", "count", "note", "stands out"])
    for table in report_tables(scope, name):
        for row in table.rows:
            writer.writerow(
                [table.title, row.label, row.value, table.unit, row.count, row.note, row.stands_out]
            )
    return response


@clinical_staff_required
def report_patients(request: SignedInRequest, name: str) -> HttpResponse:
    """The patients behind one figure, a page at a time; each one shown is audited."""
    form, scope = _scope(request, name)
    key = request.GET.get("key", "")
    behind = patients_behind(scope, name, key) if scope else Patient.objects.none()
    page = Paginator(behind, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    patients = list(page)
    audit_patients_shown(by=request.user, patients=patients, summary=f"report {name}: {key}"[:300])
    context = {
        "form": form,
        "name": name,
        "title": TITLES[name],
        "key": key,
        "patients": patients,
        "page": page,
    }
    return render(request, "outcomes/report_patients.html", context)
