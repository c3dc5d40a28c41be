"""The session on the day: its checks, the record and the injection chart, signing, addenda."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import SignedInRequest, clinical_staff_required
from mesoclinic.scheduling.access import appointment_for
from mesoclinic.treatments.access import session_for
from mesoclinic.treatments.domain.sessions import (
    SessionRefused,
    point_add,
    point_move,
    point_remove,
    session_addendum_add,
    session_save,
    session_sign,
    session_start,
)
from mesoclinic.treatments.forms import (
    AddendumForm,
    PointForm,
    PointMoveForm,
    SessionRecordForm,
    SessionStartForm,
)
from mesoclinic.treatments.models import ChartMap, PhotoView, TreatmentSession
from mesoclinic.treatments.pdfs import session_pdf
from mesoclinic.treatments.queries import (
    chart_maps,
    chart_totals,
    day_checks,
    lots_for_session,
    session_points,
)
from mesoclinic.treatments.views.consent import pdf_response
from mesoclinic.treatments.views.photos import PhotoForm
from mesoclinic.treatments.views.signing import change_and_tell

READ_ONLY = "This session is signed: it is read-only. Add an addendum instead."


@clinical_staff_required
def session_start_view(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    """The checks on the day, in order, and (a practitioner, by POST) the start of the record."""
    appointment = appointment_for(request.user, appointment_id, purpose="session checks")
    existing = TreatmentSession.objects.filter(appointment=appointment).first()
    if existing is not None:
        return redirect("treatments:session", existing.pk)
    if appointment.course is None:
        messages.error(request, "Only a session of a course has a session record.")
        return redirect("scheduling:appointment", appointment.pk)
    appointment.course.patient = appointment.patient
    checks = day_checks(appointment)
    form = SessionStartForm(request.POST or None, steps=checks.preparation)
    if request.method == "POST":
        if request.user.role != Role.PRACTITIONER:
            raise PermissionDenied("Only a practitioner starts a session.")
        if form.is_valid():
            try:
                session = session_start(
                    appointment=appointment,
                    preparation=form.answers(),
                    override_reason=form.cleaned_data["override_reason"],
                    by=request.user,
                )
            except SessionRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("treatments:session", session.pk)
    # Nothing is photographed before the record starts: every standard view is still missing.
    missing = [label for _, label in PhotoView.choices]
    photos = checks.consent is not None and checks.consent.photos_allowed
    context = {
        "appointment": appointment,
        "checks": checks,
        "form": form,
        "missing_before": missing if photos else [],
    }
    return render(request, "treatments/session_start.html", context)


@clinical_staff_required
def session_detail(request: SignedInRequest, session_id: int) -> HttpResponse:
    """The session record: its chart and what was used; read-only once signed."""
    session = session_for(request.user, session_id, purpose="session record")
    editing = _may_edit(request, session)
    lots = lots_for_session(session) if editing else []
    form = None
    if editing:
        form = SessionRecordForm(
            request.POST or None,
            initial=_record_initial(session),
            clinic_id=session.clinic_id,
            lots=lots,
        )
        if request.method == "POST" and form.is_valid():
            try:
                session_save(session=session, **_record_values(session, form), by=request.user)
            except SessionRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Saved the session record.")
                return redirect("treatments:session", session.pk)
    elif request.method == "POST":
        raise PermissionDenied(READ_ONLY)
    return render(request, "treatments/session.html", _session_context(session, form, lots))


def _may_edit(request: SignedInRequest, session: TreatmentSession) -> bool:
    return not session.signed and request.user.role == Role.PRACTITIONER


def _record_initial(session: TreatmentSession) -> dict[str, Any]:
    tz = session.appointment.clinic.tzinfo
    return {
        "disinfection": session.disinfection,
        "numbing_product": session.numbing_product_id,
        "numbing_lot": session.numbing_lot_id,
        "numbing_minutes": session.numbing_minutes,
        "soothing_product": session.soothing_product_id,
        "reactions": session.reactions,
        "notes": session.notes,
        "ended_at": session.ended_at.astimezone(tz).time() if session.ended_at else None,
    }


def _record_values(session: TreatmentSession, form: SessionRecordForm) -> dict[str, Any]:
    values = dict(form.cleaned_data)
    ended: dt.time | None = values.pop("ended_at")
    started = session.started_at.astimezone(session.appointment.clinic.tzinfo)
    values["ended_at"] = (
        dt.datetime.combine(started.date(), ended, tzinfo=started.tzinfo) if ended else None
    )
    return values


def _session_context(
    session: TreatmentSession, form: SessionRecordForm | None, lots: list[Any]
) -> dict[str, Any]:
    points = session_points(session)
    course = session.appointment.course
    areas = list(course.areas) if course else []
    last = points[-1] if points else None
    initial = (
        {
            "map": last.map,
            "area": last.area,
            "lot": last.lot_id,
            "depth_mm": last.depth_mm,
            "volume_ml": last.volume_ml,
            "technique": last.technique,
        }
        if last
        else {"map": ChartMap.FACE_FRONT}
    )
    return {
        "session": session,
        "patient": session.patient,
        "form": form,
        "points": points,
        "totals": chart_totals(points),
        "chart_maps": chart_maps(points),
        "point_form": PointForm(initial=initial, areas=areas, lots=lots) if form else None,
        "addenda": list(session.addenda.select_related("written_by")),
        **photo_context(session, editable=form is not None),
        "addendum_form": AddendumForm() if session.signed else None,
    }


def photo_context(session: TreatmentSession, *, editable: bool) -> dict[str, Any]:
    """Before and after side by side per standard view, and the before photos still missing."""
    photos = list(session.photos.order_by("pk"))
    views = [
        {
            "label": label,
            "before": next(
                (p for p in reversed(photos) if (p.view, p.moment) == (view, "before")), None
            ),
            "after": next(
                (p for p in reversed(photos) if (p.view, p.moment) == (view, "after")), None
            ),
        }
        for view, label in PhotoView.choices
    ]
    allowed = session.consent.photos_allowed
    return {
        "photo_views": [v for v in views if v["before"] or v["after"]],
        "missing_before": [v["label"] for v in views if allowed and not v["before"]],
        "photo_form": PhotoForm() if editable and allowed else None,
    }


@clinical_staff_required
@require_POST
def point_add_view(request: SignedInRequest, session_id: int) -> HttpResponse:
    """Chart one point, tapped on a map or typed in the table."""
    session = session_for(request.user, session_id, purpose="chart a point")
    if not _may_edit(request, session):
        raise PermissionDenied(READ_ONLY)
    course = session.appointment.course
    form = PointForm(
        request.POST,
        areas=list(course.areas) if course else [],
        lots=lots_for_session(session),
    )
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("treatments:session", session.pk)
    try:
        point_add(session=session, point=form.point(), by=request.user)
    except SessionRefused as refused:
        messages.error(request, str(refused))
    return redirect("treatments:session", session.pk)


@clinical_staff_required
@require_POST
def point_change_view(request: SignedInRequest, session_id: int, point_id: int) -> HttpResponse:
    """Move a point to another position, or remove it."""
    session = session_for(request.user, session_id, purpose="change a point")
    if not _may_edit(request, session):
        raise PermissionDenied(READ_ONLY)
    try:
        if "remove" in request.POST:
            point_remove(session=session, point_id=point_id, by=request.user)
        else:
            form = PointMoveForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give the new position as two numbers from 0 to 1.")
                return redirect("treatments:session", session.pk)
            point_move(session=session, point_id=point_id, **form.cleaned_data, by=request.user)
    except SessionRefused as refused:
        messages.error(request, str(refused))
    return redirect("treatments:session", session.pk)


@clinical_staff_required
@require_POST
def session_sign_view(request: SignedInRequest, session_id: int) -> HttpResponse:
    """Sign the session record: it becomes read-only."""
    session = session_for(request.user, session_id, purpose="sign session")
    change_and_tell(
        request,
        lambda: session_sign(session=session, by=request.user),
        refused=SessionRefused,
        done="Signed. The session record is now read-only.",
    )
    return redirect("treatments:session", session.pk)


@clinical_staff_required
@require_POST
def session_addendum_view(request: SignedInRequest, session_id: int) -> HttpResponse:
    """Add an addendum to a signed session record."""
    session = session_for(request.user, session_id, purpose="session addendum")
    text = request.POST.get("text", "")
    change_and_tell(
        request,
        lambda: session_addendum_add(session=session, text=text, by=request.user),
        refused=SessionRefused,
        done="Added the addendum.",
    )
    return redirect("treatments:session", session.pk)


@clinical_staff_required
@require_GET
def session_pdf_view(request: SignedInRequest, session_id: int) -> HttpResponse:
    """The session record as a PDF."""
    session = session_for(request.user, session_id, purpose="session record PDF")
    return pdf_response(session_pdf(session), f"session-{session.pk}.pdf")
