"""The signed consent and the session record as PDF documents (WeasyPrint), for the patient's
file and the FHIR export. A consent's PDF is made once and kept: the consent never changes."""

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import HTML

from mesoclinic.treatments.models import Consent, TreatmentSession
from mesoclinic.treatments.queries import chart_maps, chart_totals, session_points


def consent_pdf_path(consent: Consent) -> str:
    return f"consents/{consent.clinic_id}/{consent.patient_id}/consent-{consent.pk}.pdf"


def consent_pdf(consent: Consent) -> bytes:
    """The consent's kept PDF, made and kept the first time it is asked for."""
    path = consent_pdf_path(consent)
    if default_storage.exists(path):
        with default_storage.open(path) as kept:
            content: bytes = kept.read()
            return content
    content = _pdf("treatments/pdf/consent.html", {"consent": consent})
    default_storage.save(path, ContentFile(content))
    return content


def session_pdf(session: TreatmentSession) -> bytes:
    """The session record as it stands (a draft says so on every page)."""
    points = session_points(session)
    context = {
        "session": session,
        "points": points,
        "totals": chart_totals(points),
        "chart_maps": [m for m in chart_maps(points) if m["points"]],
        "addenda": list(session.addenda.select_related("written_by")),
    }
    return _pdf("treatments/pdf/session.html", context)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    content: bytes = HTML(string=render_to_string(template, context)).write_pdf()
    return content
