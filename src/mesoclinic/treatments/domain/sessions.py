"""The treatment session: started after the checks on the day, charted, signed, then read-only.

Starting needs the course's valid consent (SPEC.md, "Consent"); a contraindication new since the
booking that is absolute blocks unless the practitioner overrides it with a reason, like at
booking. Points are charted from usable lots only; signing takes the stock and moves the course.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record, save_audited
from mesoclinic.audit.models import Action
from mesoclinic.clinical.areas import area_named
from mesoclinic.inventory.models import Lot, LotStatus, Product
from mesoclinic.scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CourseStatus,
)
from mesoclinic.scheduling.signals import appointments_changed
from mesoclinic.treatments.domain.signing import (
    SigningRules,
    addendum_write,
    lock_unsigned,
    record_sign,
)
from mesoclinic.treatments.models import (
    ChartMap,
    ChartPoint,
    Consent,
    SessionAddendum,
    Technique,
    TreatmentSession,
)
from mesoclinic.treatments.queries import (
    DayChecks,
    allowed_products,
    day_checks,
    valid_consent,
)

SIGNED = "This session is signed: it is read-only. Add an addendum instead."
ONLY_PRACTITIONER = "Only a practitioner starts, charts and signs a session."
ONLY_ITS_PRACTITIONER = "Only {practitioner}, who holds this session, can sign it."
NOT_A_SESSION = "Only a session of a course has a session record."
NOT_HELD = "This session is {status}: it has no record. Re-plan it instead."
ALREADY_STARTED = "This session has already started."
NO_CONSENT = (
    "{patient} has no valid consent for this course: the patient signs the current consent "
    "text first, in the portal or on the clinic's tablet."
)
NEW_ABSOLUTE = (
    "New since the booking: {concepts}. This blocks the session unless you override it with "
    "your reason."
)
PREPARATION_UNANSWERED = "Say whether each preparation step was followed: {steps}."
UNKNOWN_MAP = "Choose a map of the chart: {maps}."
UNKNOWN_TECHNIQUE = "Choose a technique: {techniques}."
OFF_THE_MAP = "A point's position is between 0 and 1 across and down the drawing."
NO_VOLUME = "A point needs its volume in mL, more than 0."
NO_DEPTH = "A point needs its depth in mm, 0 or more."
NOT_AN_AREA = "{area} is not an area of this course ({areas})."
NOT_PLANNED = "{product} is not planned for {area}; choose a lot of {planned}."
NOT_THIS_CLINIC = "That lot is not one of this clinic's lots."
LOT_EXPIRED = "Lot {lot} of {product} expired on {expires:%Y-%m-%d}: it cannot be used."
LOT_BLOCKED = "Lot {lot} of {product} is {status}: it cannot be used."
LOT_EMPTY = "Lot {lot} of {product} has no stock left."
NOT_NUMBING = "{product} is not a numbing cream."
NUMBING_LOT = "The numbing lot must be a lot of {product}."
NOT_THIS_SESSION = "That point is not on this session's chart."
NO_POINTS = "Chart at least one injection point before signing."
ENDS_BEFORE_START = "The session cannot end before it started."
NOT_SIGNED = "Addenda are added to a signed session; edit the record instead."
EMPTY_ADDENDUM = "An addendum needs its text."


class SessionRefused(Exception):
    """A change to a session record that cannot be made; the message says why."""


SESSION = SigningRules(
    kind="session",
    refused=SessionRefused,
    signed=SIGNED,
    only_its_practitioner=ONLY_ITS_PRACTITIONER,
    not_signed=NOT_SIGNED,
    empty_addendum=EMPTY_ADDENDUM,
    addendum=SessionAddendum,
)


@dataclass(frozen=True)
class PreparationAnswer:
    """Whether the patient followed one preparation step, as asked on the day."""

    instruction: str
    concept: str
    followed: bool
    note: str = ""


@dataclass(frozen=True)
class PointAt:
    """One injection point as the practitioner charts it."""

    map: str
    area: str
    x: Decimal
    y: Decimal
    lot: Lot
    depth_mm: Decimal
    volume_ml: Decimal
    technique: str


def session_start(
    *,
    appointment: Appointment,
    preparation: Sequence[PreparationAnswer],
    override_reason: str = "",
    by: User,
) -> TreatmentSession:
    """Open the record of a session after the checks on the day; audited."""
    _check_practitioner(by)
    _check_appointment(appointment)
    checks = day_checks(appointment)
    consent = _check_checks(appointment, checks, preparation, override_reason)
    overridden = bool(checks.new_absolute)
    with transaction.atomic():
        session = TreatmentSession.objects.create(
            clinic_id=appointment.clinic_id,
            patient_id=appointment.patient_id,
            appointment=appointment,
            practitioner=appointment.practitioner,
            consent=consent,
            started_at=timezone.now(),
            screening_verdict=checks.screening["verdict"],
            screening_findings=checks.screening["findings"],
            new_findings=checks.new_findings,
            override_reason=override_reason.strip() if overridden else "",
            override_by=by if overridden else None,
            preparation=[answer.__dict__ for answer in preparation],
            started_by=by,
        )
        summary = f"session {appointment.number} started, screening {session.screening_verdict}"
        if overridden:
            summary += f"; overridden: {override_reason.strip()}"
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=session,
            summary=summary,
            patient_id=appointment.patient_id,
        )
    return session


def _check_practitioner(by: User) -> None:
    if by.role != Role.PRACTITIONER:
        raise SessionRefused(ONLY_PRACTITIONER)


def _check_appointment(appointment: Appointment) -> None:
    if appointment.kind != AppointmentKind.SESSION or appointment.course_id is None:
        raise SessionRefused(NOT_A_SESSION)
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        raise SessionRefused(NOT_HELD.format(status=appointment.get_status_display().lower()))
    if TreatmentSession.objects.filter(appointment=appointment).exists():
        raise SessionRefused(ALREADY_STARTED)


def _check_checks(
    appointment: Appointment,
    checks: DayChecks,
    preparation: Sequence[PreparationAnswer],
    override_reason: str,
) -> Consent:
    course = appointment.course
    assert course is not None  # checked by _check_appointment
    consent = valid_consent(course)
    if consent is None:
        raise SessionRefused(NO_CONSENT.format(patient=appointment.patient))
    if checks.new_absolute and not override_reason.strip():
        raise SessionRefused(NEW_ABSOLUTE.format(concepts=", ".join(checks.new_absolute)))
    answered = {answer.instruction for answer in preparation}
    missing = [step.instruction for step in checks.preparation if step.instruction not in answered]
    if missing:
        raise SessionRefused(PREPARATION_UNANSWERED.format(steps="; ".join(missing)))
    return consent


def session_save(
    *,
    session: TreatmentSession,
    disinfection: str,
    numbing_product: Product | None,
    numbing_lot: Lot | None,
    numbing_minutes: int | None,
    soothing_product: Product | None,
    reactions: str,
    notes: str,
    ended_at: datetime | None,
    by: User,
) -> TreatmentSession:
    """Record the session's numbing, disinfection, soothing, reactions, notes and end time."""
    _check_practitioner(by)
    if numbing_product is not None and not numbing_product.numbing:
        raise SessionRefused(NOT_NUMBING.format(product=numbing_product))
    if numbing_lot is not None:
        if numbing_product is None or numbing_lot.product_id != numbing_product.pk:
            raise SessionRefused(NUMBING_LOT.format(product=numbing_product))
        _check_lot(session, numbing_lot)
    if ended_at is not None and ended_at < session.started_at:
        raise SessionRefused(ENDS_BEFORE_START)
    values = {
        "disinfection": disinfection.strip(),
        "numbing_product_id": numbing_product.pk if numbing_product else None,
        "numbing_lot_id": numbing_lot.pk if numbing_lot else None,
        "numbing_minutes": numbing_minutes,
        "soothing_product_id": soothing_product.pk if soothing_product else None,
        "reactions": reactions.strip(),
        "notes": notes.strip(),
        "ended_at": ended_at,
    }
    with transaction.atomic():
        _lock_draft(session)
        saved: TreatmentSession = save_audited(
            obj=session, values=values, by=by, patient_id=session.patient_id
        )
    return saved


def point_add(*, session: TreatmentSession, point: PointAt, by: User) -> ChartPoint:
    """Chart one injection point from a usable lot of a product planned for its area."""
    _check_practitioner(by)
    area = _check_point(session, point)
    with transaction.atomic():
        _lock_draft(session)
        charted = ChartPoint.objects.create(
            session=session,
            map=point.map,
            area=area,
            x=point.x,
            y=point.y,
            lot=point.lot,
            depth_mm=point.depth_mm,
            volume_ml=point.volume_ml,
            technique=point.technique,
        )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=charted,
            summary=f"point on {point.map} ({area}): lot {point.lot.number}, "
            f"{point.volume_ml} mL at {point.depth_mm} mm, {point.technique}",
            patient_id=session.patient_id,
        )
    return charted


def _check_point(session: TreatmentSession, point: PointAt) -> str:
    if point.map not in ChartMap.values:
        raise SessionRefused(UNKNOWN_MAP.format(maps=", ".join(ChartMap.values)))
    if point.technique not in Technique.values:
        raise SessionRefused(UNKNOWN_TECHNIQUE.format(techniques=", ".join(Technique.values)))
    _check_position(point.x, point.y)
    if point.volume_ml <= 0:
        raise SessionRefused(NO_VOLUME)
    if point.depth_mm < 0:
        raise SessionRefused(NO_DEPTH)
    area = _course_area(session, point.area)
    planned = allowed_products(session, area)
    if planned is not None and point.lot.product_id not in planned:
        names = ", ".join(product.name for product in planned.values())
        raise SessionRefused(
            NOT_PLANNED.format(product=point.lot.product, area=area, planned=names)
        )
    _check_lot(session, point.lot)
    return area


def _check_position(x: Decimal, y: Decimal) -> None:
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise SessionRefused(OFF_THE_MAP)


def _course_area(session: TreatmentSession, typed: str) -> str:
    areas = session.appointment.course.areas if session.appointment.course else []
    try:
        area = area_named(typed)
    except ValueError:
        area = typed
    if areas and area not in areas:
        raise SessionRefused(NOT_AN_AREA.format(area=typed, areas=", ".join(areas)))
    return area


def _check_lot(session: TreatmentSession, lot: Lot) -> None:
    """Refuse a lot of another clinic, or one expired, quarantined, recalled or used up."""
    if lot.clinic_id != session.clinic_id:
        raise SessionRefused(NOT_THIS_CLINIC)
    day = _session_day(session)
    shown = {"lot": lot.number, "product": lot.product}
    if lot.status != LotStatus.AVAILABLE:
        raise SessionRefused(LOT_BLOCKED.format(**shown, status=lot.get_status_display().lower()))
    if lot.expires < day:
        raise SessionRefused(LOT_EXPIRED.format(**shown, expires=lot.expires))
    if lot.quantity_left <= 0:
        raise SessionRefused(LOT_EMPTY.format(**shown))


def _session_day(session: TreatmentSession) -> date:
    return timezone.localdate(timezone=session.appointment.clinic.tzinfo)


def point_move(
    *, session: TreatmentSession, point_id: int, x: Decimal, y: Decimal, by: User
) -> ChartPoint:
    """Move a charted point to another position on its map, before the session is signed."""
    _check_practitioner(by)
    _check_position(x, y)
    with transaction.atomic():
        _lock_draft(session)
        point = _point_of(session, point_id)
        moved: ChartPoint = save_audited(
            obj=point, values={"x": x, "y": y}, by=by, patient_id=session.patient_id
        )
    return moved


def point_remove(*, session: TreatmentSession, point_id: int, by: User) -> None:
    """Take a charted point off the chart, before the session is signed."""
    _check_practitioner(by)
    with transaction.atomic():
        _lock_draft(session)
        point = _point_of(session, point_id)
        audit_record(
            by=by,
            action=Action.DELETE,
            obj=point,
            summary=f"point removed from {point.map} ({point.area})",
            patient_id=session.patient_id,
        )
        point.delete()


def _point_of(session: TreatmentSession, point_id: int) -> ChartPoint:
    point = ChartPoint.objects.filter(session=session, pk=point_id).first()
    if point is None:
        raise SessionRefused(NOT_THIS_SESSION)
    return point


def session_sign(*, session: TreatmentSession, by: User) -> TreatmentSession:
    """Sign the record: it becomes read-only, the lots used give one unit each, the course moves.

    One unit (a vial, a tube) of each lot a session uses is taken from stock: an opened vial is
    never kept for another patient (a product decision).
    """
    lots: list[Lot] = []

    def fill(now: datetime) -> Sequence[str]:
        lots.extend(_lots_used(session))
        if not session.points.exists():
            raise SessionRefused(NO_POINTS)
        for lot in lots:
            _check_lot(session, lot)
        Lot.objects.filter(pk__in=[lot.pk for lot in lots]).update(
            quantity_left=F("quantity_left") - 1
        )
        session.ended_at = session.ended_at or now
        return ["ended_at"]

    def then() -> str:
        _appointment_done(session.appointment)
        moved = _course_move(session.appointment)
        # Aftercare runs from the recorded end, not the booked one: its reminders follow.
        appointments_changed.send(
            sender=TreatmentSession, appointment_ids=[session.appointment_id], by=by
        )
        return f"signed; lots used: {', '.join(lot.number for lot in lots)}{moved}"

    record_sign(record=session, by=by, rules=SESSION, fill=fill, then=then)
    return session


def _lots_used(session: TreatmentSession) -> list[Lot]:
    """Every lot the session used, locked for the stock change: the chart's, then numbing's."""
    ids = set(session.points.values_list("lot_id", flat=True))
    if session.numbing_lot_id is not None:
        ids.add(session.numbing_lot_id)
    # NO KEY UPDATE: only the stock left changes, so a point charted meanwhile from one of these
    # lots in another session (its foreign key's check) does not wait on the signature; two
    # signatures still wait for each other, in the lots' order. Of the lots only: the products
    # joined in for the messages are not locked, so a plan or a lot naming them never waits.
    locked = Lot.objects.select_for_update(no_key=True, of=("self",))
    return list(locked.filter(pk__in=ids).select_related("product").order_by("pk"))


def _appointment_done(appointment: Appointment) -> None:
    appointment.status = AppointmentStatus.COMPLETED
    appointment.save(update_fields=["status"])


def _course_move(appointment: Appointment) -> str:
    """Make the course active at its first signed session, completed at its last."""
    course = appointment.course
    assert course is not None  # a session record always belongs to a course
    held = course.sessions.exclude(
        status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    )
    unsigned = held.exclude(session_record__signed_at__isnull=False).exists()
    status = CourseStatus.ACTIVE if unsigned else CourseStatus.COMPLETED
    if course.status == status:
        return ""
    course.status = status
    course.save(update_fields=["status"])
    return f"; course {status}"


def session_addendum_add(*, session: TreatmentSession, text: str, by: User) -> SessionAddendum:
    """Add a dated note to a signed session record."""
    addendum = addendum_write(record=session, text=text, by=by, rules=SESSION)
    assert isinstance(addendum, SessionAddendum)
    return addendum


def _lock_draft(session: TreatmentSession) -> None:
    lock_unsigned(record=session, rules=SESSION)
