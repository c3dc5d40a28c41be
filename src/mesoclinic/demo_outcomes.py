"""The demo clinic's outcomes, on whatever day it is loaded, so that every report shows data.

Every session that took place is charted from the clinic's lots and signed under a consent.
Grace's course ended a month ago: photographed before and after, scored by Dr Morgan and by
Grace, with side effects of every triage after it (the last, urgent, still open in the inbox).
Ruth's course ended seven months ago; her recall was sent and she has not booked since, so
reception finds her among the patients due. Hana's course is scored by her practitioner only.

Written straight into the records, as the calendar is (demo_calendar.py): these are records of
the past, not changes made now.
"""

import datetime as dt
import io
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.clinical.effects import classify
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.demo_calendar import PROTOCOL, DemoCalendar, DemoPatient
from mesoclinic.followup.models import (
    Reminder,
    ReminderKind,
    ReminderStatus,
    ReportStatus,
    SideEffectReport,
)
from mesoclinic.followup.reminders import planned_reminders
from mesoclinic.inventory.models import Lot
from mesoclinic.outcomes.models import GaisScore, Rater
from mesoclinic.patients.models import Patient, Sex
from mesoclinic.scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Course,
)
from mesoclinic.treatments.demo import CONSENT_TEXT, HYALURONIC, VITAMINS
from mesoclinic.treatments.images import clean_photo
from mesoclinic.treatments.models import (
    ChartPoint,
    Consent,
    ConsentTemplate,
    PhotoMoment,
    PhotoView,
    SessionPhoto,
    SignedVia,
    Technique,
    TreatmentSession,
)

CLINIC = "Harbour Skin Clinic"
GRACE = "patient"
RUTH = DemoPatient("Ruth", "Evans", dt.date(1972, 8, 16), Sex.FEMALE, "+447700900109")
# Where on the front of the face each session's points go: (x, y, product).
POINTS = [
    (Decimal("0.35"), Decimal("0.30"), HYALURONIC),
    (Decimal("0.65"), Decimal("0.30"), HYALURONIC),
    (Decimal("0.30"), Decimal("0.55"), HYALURONIC),
    (Decimal("0.70"), Decimal("0.55"), HYALURONIC),
    (Decimal("0.40"), Decimal("0.75"), VITAMINS),
    (Decimal("0.60"), Decimal("0.75"), VITAMINS),
]
PHOTO_VIEWS = (PhotoView.FRONT, PhotoView.LEFT_45)


def demo_outcomes_load() -> None:
    """Chart, photograph, score and follow the demo's past sessions once; a second run finds the
    scores and changes nothing."""
    clinic = Clinic.objects.filter(name=CLINIC).first()
    grace = Patient.objects.filter(user__username=GRACE).first()
    morgan = User.objects.filter(username="dr.morgan").first()
    if clinic is None or grace is None or morgan is None:
        return
    if GaisScore.objects.filter(clinic=clinic).exists():
        return
    today = timezone.localdate(timezone=clinic.tzinfo)
    calendar = DemoCalendar(clinic)
    ruth = _ruth(clinic)
    calendar.consultation(ruth, today - dt.timedelta(days=320), 10)
    Appointment.objects.filter(patient=ruth).update(status=AppointmentStatus.NO_SHOW)
    ruths = calendar.course(ruth, first=today - dt.timedelta(days=300), at=(11, 30))
    graces = calendar.course(grace, first=today - dt.timedelta(days=105), at=(12, 0))
    _chart_every_session(clinic, morgan)
    _photograph(graces, morgan)
    hana = Course.objects.get(clinic=clinic, patient__given_name="Hana")
    _score(graces, practitioner=2, patient=1, by=grace.user or morgan)
    _score(ruths, practitioner=2, patient=3, by=morgan)
    _score(hana, practitioner=3, patient=None, by=morgan)
    _side_effects(graces, ruths, morgan)
    _recall_sent(ruths)


def _ruth(clinic: Clinic) -> Patient:
    return Patient.objects.create(
        clinic=clinic,
        given_name=RUTH.given,
        family_name=RUTH.family,
        birth_date=RUTH.born,
        sex=RUTH.sex,
        phone=RUTH.phone,
        email="ruth.evans@example.org",
    )


def _sessions(course: Course) -> list[Appointment]:
    return list(course.sessions.order_by("number").select_related("practitioner__user"))


# Charted and signed sessions ----------------------------------------------------------------


def _chart_every_session(clinic: Clinic, by: User) -> None:
    """A consent for each course that took place, and a signed record of each session."""
    template = ConsentTemplate.objects.filter(clinic=clinic, treatment=PROTOCOL).last()
    if template is None:
        return
    lots = {
        name: Lot.objects.filter(clinic=clinic, product__name=name).order_by("expires").last()
        for name in (HYALURONIC, VITAMINS)
    }
    done = Appointment.objects.filter(
        clinic=clinic,
        kind=AppointmentKind.SESSION,
        status=AppointmentStatus.COMPLETED,
        session_record__isnull=True,
    )
    consents: dict[int, Consent] = {}
    for session in done.select_related("course", "patient__user", "practitioner__user"):
        course = session.course
        if course is None:
            continue
        if course.pk not in consents:
            consents[course.pk] = _consent(course, template, session, by)
        _record(session, consents[course.pk], lots)


def _consent(course: Course, template: ConsentTemplate, first: Appointment, by: User) -> Consent:
    patient = course.patient
    return Consent.objects.create(
        clinic=course.clinic,
        patient=patient,
        course=course,
        template=template,
        title=template.title,
        text=CONSENT_TEXT,
        risks=template.risks,
        photos_allowed=True,
        typed_name=str(patient),
        agreed=True,
        drawing="M20 80 L60 40 L90 85 L130 35 L170 80",
        signed_via=SignedVia.PORTAL if patient.user else SignedVia.TABLET,
        signed_at=first.start - dt.timedelta(days=7 if patient.user else 0, minutes=20),
        recorded_by=patient.user or by,
    )


def _record(session: Appointment, consent: Consent, lots: dict[str, Lot | None]) -> None:
    treating = session.practitioner.user
    record = TreatmentSession.objects.create(
        clinic=session.clinic,
        patient=session.patient,
        appointment=session,
        practitioner=session.practitioner,
        consent=consent,
        started_at=session.start,
        screening_verdict=consent.course.verdict,
        disinfection="Chlorhexidine 0.5% in alcohol",
        reactions="Mild redness where injected, as expected.",
        ended_at=session.end,
        signed_at=session.end + dt.timedelta(minutes=5),
        signed_by=treating,
        started_by=treating,
    )
    ChartPoint.objects.bulk_create(
        ChartPoint(
            session=record,
            map="face-front",
            area="face",
            x=x,
            y=y,
            lot=lot,
            depth_mm=Decimal("1.5"),
            volume_ml=Decimal("0.05"),
            technique=Technique.PAPULES,
        )
        for x, y, product in POINTS
        if (lot := lots[product]) is not None
    )


# Before and after ---------------------------------------------------------------------------


def _photograph(course: Course, by: User) -> None:
    """Photos of each view before the first session and after the last."""
    sessions = _sessions(course)
    for session, moment in ((sessions[0], PhotoMoment.BEFORE), (sessions[-1], PhotoMoment.AFTER)):
        record = TreatmentSession.objects.get(appointment=session)
        for view in PHOTO_VIEWS:
            photo = clean_photo(_picture(f"{view.label}, {moment.label.lower()}", moment))
            folder = f"photos/{course.clinic_id}/{course.patient_id}/{uuid.uuid4().hex}"
            SessionPhoto.objects.create(
                clinic_id=course.clinic_id,
                patient_id=course.patient_id,
                session=record,
                view=view,
                moment=moment,
                image=default_storage.save(f"{folder}.jpg", ContentFile(photo.image)),
                thumbnail=default_storage.save(f"{folder}-thumb.jpg", ContentFile(photo.thumbnail)),
                width=photo.width,
                height=photo.height,
                taken_at=session.start if moment == PhotoMoment.BEFORE else session.end,
                taken_by=by,
            )


def _picture(label: str, moment: str) -> bytes:
    """A plain JPEG standing in for a photo: a skin-toned gradient, labelled with its view."""
    width, height = 480, 640
    top, bottom = (
        ((214, 160, 140), (176, 120, 104))
        if moment == PhotoMoment.BEFORE
        else ((232, 196, 176), (206, 162, 142))
    )
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for row in range(height):
        share = row / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, row), (width, row)], fill=colour)
    font = ImageFont.load_default(size=36)
    draw.text((width / 2, height - 60), label, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


# Scores -------------------------------------------------------------------------------------


def _score(course: Course, *, practitioner: int, patient: int | None, by: User) -> None:
    """The practitioner's score two weeks after the last session, and the patient's a day on."""
    last = _sessions(course)[-1]
    given = [(Rater.PRACTITIONER, practitioner, last.practitioner.user, 14)]
    if patient is not None:
        given.append((Rater.PATIENT, patient, by, 15))
    for rater, value, recorded_by, days in given:
        GaisScore.objects.create(
            clinic=course.clinic,
            patient=course.patient,
            course=course,
            practitioner=last.practitioner,
            rater=rater,
            score=value,
            recorded_by=recorded_by,
            recorded_at=last.end + dt.timedelta(days=days, hours=2),
        )


# Side effects -------------------------------------------------------------------------------


def _side_effects(graces: Course, ruths: Course, by: User) -> None:
    """Grace: expected redness after her first session, bruising past its days after the third
    (reviewed and closed), nodules after the last, reported this morning and still open. Ruth:
    nodules after her second session, acknowledged within the hour and closed."""
    grace, ruth = _sessions(graces), _sessions(ruths)
    now = timezone.now()
    closed = ReportStatus.CLOSED
    _report(grace[0], "redness", "mild", 0, grace[0].end + dt.timedelta(hours=20), closed, by)
    _report(grace[2], "bruising", "moderate", 1, grace[2].end + dt.timedelta(days=12), closed, by)
    _report(ruth[1], "nodules", "moderate", 9, ruth[1].end + dt.timedelta(days=10), closed, by)
    started = (now - grace[-1].end).days - 3
    _report(grace[-1], "nodules", "moderate", started, now - dt.timedelta(hours=2), None, by)


def _report(
    session: Appointment,
    effect: str,
    severity: str,
    started_after: int,
    reported: dt.datetime,
    status: str | None,
    by: User,
) -> None:
    """A report of `effect`, started `started_after` days after the session, triaged as the
    clinic triages; followed up (acknowledged within the hour, assessed, closed) or left open."""
    tz = session.clinic.tzinfo
    session_day = session.start.astimezone(tz).date()
    today = reported.astimezone(tz).date()
    protocol = load_protocol(session.course.protocol_id if session.course else PROTOCOL)
    classified = classify(effect, severity, session_day, today, protocol)
    report = SideEffectReport(
        clinic=session.clinic,
        patient=session.patient,
        session=session,
        practitioner=session.practitioner,
        effect=effect,
        area="face",
        started_on=session_day + dt.timedelta(days=started_after),
        severity=severity,
        triage=classified.triage.value,
        triage_reason=classified.reason,
        passes_by=classified.passes_by,
        reported_by=session.patient.user,
        reported_at=reported,
    )
    if status == ReportStatus.CLOSED:
        acknowledged = reported + dt.timedelta(minutes=40)
        report.status = status
        report.acknowledged_by = report.assessed_by = report.closed_by = by
        report.acknowledged_at = acknowledged
        report.assessed_at = acknowledged + dt.timedelta(hours=1)
        report.closed_at = acknowledged + dt.timedelta(days=2)
        report.assessment = "Seen in clinic; settling."
        report.advice = "Cold compress; call us if it grows, warms or hurts."
    report.save()


# Maintenance recall -------------------------------------------------------------------------


def _recall_sent(course: Course) -> None:
    """The recall the course's last session carries, sent when its six months came."""
    last = _sessions(course)[-1]
    planned = planned_reminders(last, last_of_course=True)
    recall = next(p for p in planned if p.kind == ReminderKind.RECALL)
    Reminder.objects.create(
        clinic=course.clinic,
        patient=course.patient,
        appointment=last,
        kind=recall.kind,
        key=recall.key,
        about_at=recall.about_at,
        due_at=recall.about_at,
        text=recall.text,
        status=ReminderStatus.SENT,
        sent_at=recall.about_at,
    )
