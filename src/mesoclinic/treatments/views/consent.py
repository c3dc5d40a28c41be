"""Consent: the clinic admin's texts, signing on the clinic's tablet, and a signed consent."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from mesoclinic.accounts.permissions import SignedInRequest, admin_required, staff_required
from mesoclinic.scheduling.access import course_for
from mesoclinic.scheduling.models import Course
from mesoclinic.treatments.access import consent_for
from mesoclinic.treatments.domain.consent import (
    ConsentRefused,
    consent_sign,
    consent_template_save,
)
from mesoclinic.treatments.forms import ConsentSignForm, ConsentTemplateForm
from mesoclinic.treatments.models import Consent, ConsentTemplate, SignedVia
from mesoclinic.treatments.pdfs import consent_pdf
from mesoclinic.treatments.queries import consent_products, current_template, valid_consent


@admin_required
def consent_texts(request: SignedInRequest) -> HttpResponse:
    """Every version of the clinic's consent texts, and the form that writes the next one."""
    form = ConsentTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = consent_template_save(
                clinic_id=request.user.clinic_id, **form.cleaned_data, by=request.user
            )
        except ConsentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Saved {template}. Patients sign it at their next session.")
            return redirect("treatments:consent-texts")
    templates = ConsentTemplate.objects.filter(clinic_id=request.user.clinic_id)
    return render(
        request, "treatments/consent_texts.html", {"form": form, "templates": list(templates)}
    )


def consent_signing(
    request: SignedInRequest, course: Course, signed_via: str, template_name: str
) -> HttpResponse | Consent:
    """The signing page for `course`; the new consent once it is signed."""
    template = current_template(course.clinic_id, course.protocol_id)
    form = ConsentSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return consent_sign(
                course=course, **form.cleaned_data, signed_via=signed_via, by=request.user
            )
        except ConsentRefused as refused:
            form.add_error(None, str(refused))
    context = {
        "course": course,
        "patient": course.patient,
        "template": template,
        "products": consent_products(course),
        "current": valid_consent(course),
        "form": form,
    }
    return render(request, template_name, context)


@staff_required
def consent_tablet(request: SignedInRequest, course_id: int) -> HttpResponse:
    """The patient signs the course's consent on the clinic's tablet."""
    course = course_for(request.user, course_id, purpose="consent on the tablet")
    signed = consent_signing(request, course, SignedVia.TABLET, "treatments/consent_sign.html")
    if isinstance(signed, Consent):
        messages.success(request, "Consent signed.")
        return redirect("treatments:consent", signed.pk)
    return signed


@staff_required
@require_GET
def consent_detail(request: SignedInRequest, consent_id: int) -> HttpResponse:
    """A signed consent as the patient signed it; nothing on it can be changed."""
    consent = consent_for(request.user, consent_id, purpose="consent")
    return render(request, "treatments/consent.html", {"consent": consent})


@staff_required
@require_GET
def consent_pdf_view(request: SignedInRequest, consent_id: int) -> HttpResponse:
    """The signed consent's kept PDF."""
    consent = consent_for(request.user, consent_id, purpose="consent PDF")
    return pdf_response(consent_pdf(consent), f"consent-{consent.pk}.pdf")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
