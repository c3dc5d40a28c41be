"""The staff's pages for the patient record: search, demographics, history and intake links."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required, staff_required
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.patients.access import LARGEST_ID, get_patient_for
from mesoclinic.patients.codes import search_codes
from mesoclinic.patients.domain import (
    MappingRefused,
    PatientDetails,
    clinic_mapping_revoke,
    clinic_mapping_save,
    history_entry_confirm,
    history_entry_save,
    intake_link_send,
    patient_save,
)
from mesoclinic.patients.forms import HISTORY_FORMS, HistoryForm, MappingForm, PatientForm
from mesoclinic.patients.models import AnyHistoryEntry, ClinicMapping, Patient
from mesoclinic.patients.queries import (
    PossibleDuplicate,
    UnrecognisedCode,
    clinic_mappings,
    clinic_taught,
    keyset_page,
    possible_duplicates,
    search_patients,
    unrecognised_codes,
)

PAGE_SIZE = 25
KIND_LABELS = {
    "condition": "condition",
    "medication": "medication or supplement",
    "allergy": "allergy",
    "observation": "observation",
}


@staff_required
def patient_search(request: SignedInRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    page = keyset_page(
        search_patients(request.user, query),
        PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    audit_list_shown(
        by=request.user, patients=page.object_list, summary=f"patient search {query!r}"
    )
    return render(request, "patients/search.html", {"query": query, "page": page})


@staff_required
def patient_edit(request: SignedInRequest, patient_id: int | None = None) -> HttpResponse:
    patient = None
    if patient_id is not None:
        patient = get_patient_for(request.user, patient_id, purpose="edit demographics")
    form = PatientForm(request.POST or None, instance=patient, clinic=request.user.clinic)
    duplicates: list[PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid():
        details = PatientDetails(**form.details())
        duplicates = possible_duplicates(
            request.user,
            given_name=details.given_name,
            family_name=details.family_name,
            birth_date=details.birth_date,
            phone=details.phone,
            email=details.email,
            other_than=patient.pk if patient else None,
        )
        audit_list_shown(
            by=request.user,
            patients=(d.patient for d in duplicates),
            summary="patients with the same details, shown before saving",
        )
    if request.method == "POST" and form.is_valid():
        if duplicates and not form.cleaned_data["different_person"]:
            context = {"form": form, "patient": patient, "duplicates": duplicates}
            return render(request, "patients/patient_form.html", context)
        saved = patient_save(
            clinic=request.user.clinic, patient=patient, details=details, by=request.user
        )
        messages.success(request, f"Saved {saved}.")
        return redirect("chart", saved.pk)
    if not duplicates:
        del form.fields["different_person"]
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


def history_form_class(kind: str) -> type[HistoryForm]:
    if kind not in HISTORY_FORMS:
        raise Http404(f"No kind of history called {kind!r}.")
    return HISTORY_FORMS[kind]


def history_entry_of(patient: Patient, kind: str, entry_id: int) -> AnyHistoryEntry:
    """One entry of `patient`'s history of that kind, or 404."""
    model = history_form_class(kind)._meta.model
    entries = model.objects.filter(patient=patient)
    entry: AnyHistoryEntry | None = (
        entries.filter(pk=entry_id).first() if entry_id < LARGEST_ID else None
    )
    if entry is None:
        raise Http404(f"No such {KIND_LABELS[kind]} in this patient's record.")
    return entry


@clinical_staff_required
def history_edit(
    request: SignedInRequest, patient_id: int, kind: str, entry_id: int | None = None
) -> HttpResponse:
    form_class = history_form_class(kind)
    patient = get_patient_for(request.user, patient_id, purpose=f"edit {kind}")
    entry = history_entry_of(patient, kind, entry_id) if entry_id else None
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = history_entry_save(
            patient=patient,
            entry=entry or form_class._meta.model(),
            values=form.entry_values(),
            by=request.user,
        )
        messages.success(request, f"Saved {saved}.")
        return redirect("chart", patient.pk)
    context = {"form": form, "patient": patient, "kind": kind, "kind_label": KIND_LABELS[kind]}
    return render(request, "patients/history_form.html", {**context, "entry": entry})


@clinical_staff_required
@require_POST
def history_confirm(
    request: SignedInRequest, patient_id: int, kind: str, entry_id: int
) -> HttpResponse:
    patient = get_patient_for(request.user, patient_id, purpose=f"confirm {kind}")
    entry = history_entry_of(patient, kind, entry_id)
    history_entry_confirm(entry=entry, by=request.user)
    messages.success(request, f"Confirmed {entry}.")
    return redirect(reverse("chart", args=[patient.pk]) + "#history")


@clinical_staff_required
def code_search(request: SignedInRequest, kind: str) -> HttpResponse:
    """The htmx answer to the code search box: matching codes of the value sets, as choices."""
    history_form_class(kind)
    query = request.GET.get("code_search", "")
    options = search_codes(kind, query)
    return render(request, "patients/code_options.html", {"options": options, "query": query})


@staff_required
@require_POST
def send_intake_link(request: SignedInRequest, patient_id: int) -> HttpResponse:
    patient = get_patient_for(request.user, patient_id, purpose="send intake link")
    if patient.deceased:
        raise PermissionDenied("The record says this patient has died.")
    sent = intake_link_send(patient=patient, by=request.user)
    emailed = f"Email to {patient.email} queued. " if sent.emailed else ""
    messages.success(request, f"{emailed}Intake link for {patient}, one use, 7 days: {sent.url}")
    return redirect("chart", patient.pk)


@clinical_staff_required
def mapping_list(request: SignedInRequest) -> HttpResponse:
    """The clinic's mappings: the ones that apply, and every earlier version, with who made it."""
    mappings = list(clinic_mappings(request.user.clinic))
    current = [m for m in mappings if m.current]
    retired = [m for m in mappings if not m.current]
    return render(request, "patients/mappings.html", {"current": current, "retired": retired})


@clinical_staff_required
def unrecognised_list(request: SignedInRequest) -> HttpResponse:
    """The clinic's codes and phrases screening does not recognise, most patients first."""
    clinic = request.user.clinic
    codes = unrecognised_codes(clinic, clinic_taught(clinic))
    rows = [
        (code, MappingForm(initial=_mapped(code), auto_id=f"map-{number}-%s"))
        for number, code in enumerate(codes, start=1)
    ]
    return render(request, "patients/unrecognised.html", {"rows": rows})


def _mapped(code: UnrecognisedCode) -> dict[str, str]:
    return {
        "system": code.system,
        "code": code.code,
        "phrase": code.phrase,
        "display": code.display,
    }


@clinical_staff_required
@require_POST
def mapping_new(request: SignedInRequest) -> HttpResponse:
    form = MappingForm(request.POST)
    back = _back(request)
    if not form.is_valid():
        messages.error(request, "Choose what the code or phrase means to screening.")
        return redirect(back)
    try:
        mapping = clinic_mapping_save(
            clinic=request.user.clinic, by=request.user, **form.cleaned_data
        )
    except MappingRefused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    messages.success(request, f"Mapped for the whole clinic: {mapping}.")
    return redirect(back)


@clinical_staff_required
@require_POST
def mapping_revoke(request: SignedInRequest, mapping_id: int) -> HttpResponse:
    mapping = get_object_or_404(
        ClinicMapping, pk=mapping_id if mapping_id < LARGEST_ID else 0, clinic=request.user.clinic
    )
    try:
        clinic_mapping_revoke(mapping=mapping, by=request.user)
    except MappingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Revoked: {mapping}. Screening reads it as before.")
    return redirect("patients:mappings")


def _back(request: SignedInRequest) -> str:
    """Where a mapping form came from (the chart, the list), if it is an address of this site."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return reverse("patients:mappings")
