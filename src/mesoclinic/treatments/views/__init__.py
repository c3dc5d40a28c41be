"""The consultation record, its treatment plan, and booking the plan's course."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import (
    SignedInRequest,
    clinical_staff_required,
    staff_required,
)
from mesoclinic.clinical.screening import Product as ClinicalProduct
from mesoclinic.clinics.models import Practitioner
from mesoclinic.inventory.models import ProductForm
from mesoclinic.patients.access import get_patient_for
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.access import appointment_for
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import CourseIncomplete, course_book
from mesoclinic.scheduling.forms import BookCourseForm, PlanCourseForm
from mesoclinic.scheduling.gate import BookingRefused, CourseBasis, screening_for_booking
from mesoclinic.scheduling.proposals import (
    CourseProposal,
    proposal_key,
    proposal_windows,
    propose_course,
)
from mesoclinic.treatments.access import consultation_for, plan_for
from mesoclinic.treatments.domain import (
    ConsultationRefused,
    addendum_add,
    consultation_save,
    consultation_sign,
    consultation_start,
    plan_remove,
    plan_save,
)
from mesoclinic.treatments.forms import (
    AddendumForm,
    ConsultationForm,
    PlanAreaFormSet,
    PlanForm,
    SignForm,
)
from mesoclinic.treatments.models import Consultation, TreatmentPlan
from mesoclinic.treatments.queries import (
    PlanNotBookable,
    catalogue_in_use,
    loaded_plan,
    plan_basis,
    plan_courses,
)
from mesoclinic.treatments.screening import consultation_screening
from mesoclinic.treatments.views.signing import change_and_tell

ONLY_PRACTITIONERS = "Only a practitioner records a consultation."
CHANGED = (
    "The calendar changed since this proposal was made; here is the new one. Nothing was booked."
)


def _practitioner_of(request: SignedInRequest) -> Practitioner:
    practitioner = Practitioner.objects.filter(user=request.user, active=True).first()
    if request.user.role != Role.PRACTITIONER or practitioner is None:
        raise PermissionDenied(ONLY_PRACTITIONERS)
    return practitioner


def _today(consultation: Consultation) -> date:
    return timezone.localdate(timezone=consultation.clinic.tzinfo)


@staff_required
def appointment_consultation(request: SignedInRequest, appointment_id: int) -> HttpResponse:
    """A consultation appointment's record: open it, or (a practitioner, by POST) start it."""
    appointment = appointment_for(request.user, appointment_id, purpose="consultation record")
    existing = Consultation.objects.filter(appointment=appointment).first()
    if existing is not None:
        return redirect("treatments:consultation", existing.pk)
    if request.method == "POST":
        try:
            consultation = consultation_start(
                patient=appointment.patient,
                appointment=appointment,
                practitioner=_practitioner_of(request),
                by=request.user,
            )
        except ConsultationRefused as refused:
            messages.error(request, str(refused))
            return redirect("scheduling:appointment", appointment.pk)
        return redirect("treatments:consultation", consultation.pk)
    context = {"appointment": appointment, "patient": appointment.patient}
    return render(request, "treatments/consultation_start.html", context)


@clinical_staff_required
@require_POST
def chart_consultation(request: SignedInRequest, patient_id: int) -> HttpResponse:
    """Start a consultation record from the chart, without an appointment."""
    patient = get_patient_for(request.user, patient_id, purpose="consultation record")
    consultation = consultation_start(
        patient=patient, appointment=None, practitioner=_practitioner_of(request), by=request.user
    )
    return redirect("treatments:consultation", consultation.pk)


@staff_required
def consultation_detail(request: SignedInRequest, consultation_id: int) -> HttpResponse:
    """The consultation: to reception only that it happened; to clinical staff the record."""
    consultation = consultation_for(request.user, consultation_id, purpose="consultation")
    plan = loaded_plan(consultation)
    if not request.user.sees_clinical_notes:
        # Reception sees that a consultation happened, not what it found (issue 10).
        context = {"consultation": consultation, "plan": plan}
        return render(request, "treatments/consultation_front.html", context)
    editing = not consultation.signed and consultation.practitioner.user_id == request.user.pk
    form = None
    if editing:
        initial = ConsultationForm.initial_for(consultation)
        form = ConsultationForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            consultation_save(consultation=consultation, **form.cleaned_data, by=request.user)
            messages.success(request, "Saved the consultation record.")
            return redirect("treatments:consultation", consultation.pk)
    elif request.method == "POST":
        raise PermissionDenied("This consultation cannot be edited here.")
    return render(
        request, "treatments/consultation.html", _record_context(consultation, plan, form)
    )


def _record_context(
    consultation: Consultation, plan: TreatmentPlan | None, form: ConsultationForm | None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "consultation": consultation,
        "plan": plan,
        "areas": list(plan.areas.all()) if plan else [],
        "form": form,
        "addenda": list(consultation.addenda.select_related("written_by")),
        "courses": plan_courses(plan) if plan else [],
    }
    if consultation.signed:
        context["addendum_form"] = AddendumForm()
    else:
        context["screening"] = consultation_screening(consultation, plan, _today(consultation))
        context["sign_form"] = SignForm()
    return context


@clinical_staff_required
def plan_edit(request: SignedInRequest, consultation_id: int) -> HttpResponse:
    """The treatment plan: course template, numbing cream, and each area's treatment."""
    consultation = consultation_for(request.user, consultation_id, purpose="treatment plan")
    if consultation.signed or consultation.practitioner.user_id != request.user.pk:
        raise PermissionDenied("Only the consultation's practitioner plans, before signing.")
    plan = loaded_plan(consultation)
    injectables = catalogue_in_use(consultation.clinic_id).filter(form=ProductForm.INJECTABLE)
    data = request.POST or None
    form = PlanForm(data, initial=PlanForm.initial_for(plan), clinic_id=consultation.clinic_id)
    areas = PlanAreaFormSet(
        data,
        initial=_area_initial(plan),
        prefix="areas",
        form_kwargs={"products": injectables},
    )
    if request.method == "POST" and "remove" in request.POST:
        plan_remove(consultation=consultation, by=request.user)
        messages.success(request, "Removed the treatment plan.")
        return redirect("treatments:consultation", consultation.pk)
    if request.method == "POST" and form.is_valid() and areas.is_valid():
        try:
            plan_save(
                consultation=consultation,
                template=form.cleaned_data["template"],
                numbing_product=form.cleaned_data["numbing_product"],
                areas=areas.planned(),
                by=request.user,
            )
        except ConsultationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Saved the treatment plan.")
            return redirect("treatments:consultation", consultation.pk)
    context = {"consultation": consultation, "form": form, "areas": areas, "plan": plan}
    return render(request, "treatments/plan_form.html", context)


# A plan shows its areas and two empty rows to add more.
EMPTY_AREA_ROWS = 2


def _area_initial(plan: TreatmentPlan | None) -> list[dict[str, Any]]:
    rows = [
        {
            "area": area.area,
            "technique": area.technique,
            "depth_mm": area.depth_mm,
            "layer": area.layer,
            "volume_ml": area.volume_ml,
            "products": [line.product_id for line in area.formulation.all()],
        }
        for area in (plan.areas.all() if plan else [])
    ]
    return rows + [{} for _ in range(EMPTY_AREA_ROWS)]


@clinical_staff_required
@require_POST
def consultation_sign_view(request: SignedInRequest, consultation_id: int) -> HttpResponse:
    """Sign the consultation: it becomes read-only."""
    consultation = consultation_for(request.user, consultation_id, purpose="sign consultation")
    if not SignForm(request.POST).is_valid():
        messages.error(request, "Tick that you reviewed today's screening before signing.")
        return redirect("treatments:consultation", consultation.pk)
    change_and_tell(
        request,
        lambda: consultation_sign(consultation=consultation, by=request.user),
        refused=ConsultationRefused,
        done="Signed. The consultation record is now read-only.",
    )
    return redirect("treatments:consultation", consultation.pk)


@clinical_staff_required
@require_POST
def addendum_add_view(request: SignedInRequest, consultation_id: int) -> HttpResponse:
    """Add an addendum to a signed consultation."""
    consultation = consultation_for(request.user, consultation_id, purpose="addendum")
    text = request.POST.get("text", "")
    change_and_tell(
        request,
        lambda: addendum_add(consultation=consultation, text=text, by=request.user),
        refused=ConsultationRefused,
        done="Added the addendum.",
    )
    return redirect("treatments:consultation", consultation.pk)


@staff_required
def plan_book(request: SignedInRequest, plan_id: int) -> HttpResponse:
    """Plan the treatment plan's course from a date and book it whole."""
    plan = plan_for(request.user, plan_id, purpose="book the plan's course")
    patient = plan.consultation.patient
    try:
        basis = plan_basis(plan)
    except PlanNotBookable as refused:
        messages.error(request, str(refused))
        return redirect("treatments:consultation", plan.consultation_id)
    initial = {
        # As ISO text: a date field shows nothing else.
        "first_day": timezone.localdate(timezone=patient.clinic.tzinfo).isoformat(),
        "template": f"{plan.protocol_id}/{plan.template_id}",
        "areas": list(basis.areas),
    }
    form = PlanCourseForm(request.POST or None, clinic=patient.clinic, initial=initial)
    # The plan chose the course and the areas; the person chooses when and with whom.
    form.fields["template"].disabled = form.fields["areas"].disabled = True
    context: dict[str, Any] = {"patient": patient, "plan": plan, "form": form}
    if request.method == "POST" and form.is_valid():
        proposal = _propose(patient, form, basis.areas)
        book = BookCourseForm(
            request.POST if "book" in request.POST else None,
            initial={"proposal": proposal_key(proposal)},
        )
        context.update(_proposal_context(request, proposal, book, plan, basis.products))
        if "book" in request.POST:
            booked = _book(request, proposal, book, context, basis)
            if booked is not None:
                return booked
    template = (
        "scheduling/_proposal.html"
        if request.headers.get("HX-Request")
        else "treatments/book_plan.html"
    )
    return render(request, template, context)


def _propose(patient: Patient, form: PlanCourseForm, areas: tuple[str, ...]) -> CourseProposal:
    data = form.cleaned_data
    protocol, template = template_named(data["template"])
    return propose_course(
        patient,
        protocol,
        template,
        data["first_day"],
        areas=areas,
        preferences=form.preferences(),
        sessions=data["sessions"],
    )


def _proposal_context(
    request: SignedInRequest,
    proposal: CourseProposal,
    book: BookCourseForm,
    plan: TreatmentPlan,
    products: tuple[ClinicalProduct, ...],
) -> dict[str, Any]:
    sessions = proposal.placement.sessions
    on = sessions[0].slot.start.date() if sessions else proposal.first_days[0]
    verdict, findings = screening_for_booking(proposal.patient, plan.protocol_id, on, products)
    return {
        "proposal": proposal,
        "total": len(sessions) + len(proposal.placement.unplaced),
        "windows": proposal_windows(proposal),
        "verdict": verdict.value,
        # Reception books courses but never sees what the screening found.
        "findings": findings if request.user.sees_clinical_notes else [],
        "book": book,
        "may_override": request.user.role == Role.PRACTITIONER,
        "action": reverse("treatments:plan-book", args=[plan.pk]),
        "unplanned": False,
    }


def _book(
    request: SignedInRequest,
    proposal: CourseProposal,
    book: BookCourseForm,
    context: dict[str, Any],
    basis: CourseBasis,
) -> HttpResponse | None:
    """Book the proposal the person saw; on refusal, say why in the context and return None."""
    if not book.is_valid() or book.cleaned_data["proposal"] != proposal_key(proposal):
        context["book_error"] = CHANGED
        context["book"] = BookCourseForm(initial={"proposal": proposal_key(proposal)})
        return None
    try:
        course = course_book(
            proposal=proposal,
            by=request.user,
            override_reason=book.cleaned_data["override_reason"],
            basis=basis,
        )
    except (CourseIncomplete, SlotTaken, BookingRefused) as refused:
        context["book_error"] = str(refused)
        return None
    messages.success(
        request, f"Booked {len(proposal.placement.sessions)} sessions for {proposal.patient}."
    )
    url = reverse("scheduling:course", args=[course.pk])
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)
