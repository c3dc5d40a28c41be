"""A small clinic built by hand whose report figures are known (tests/outcomes/test_reports.py).

January 2027 at Harbour (UTC), Paula and Quinn treating; Riverside's course must never count.

Courses (by their first session):
  c1  Ann     Paula  standard  completed  clear           sessions 4 Jan, 18 Jan taken place
  c2  Ben     Paula  standard  cancelled  caution (overridden)  5 Jan taken place, 19 Jan cancelled
  c3  Cleo    Quinn  standard  active     clear           6 Jan taken place, 20 Jan no-show
  c4  Dora    Paula  ref-000   completed  clear           first session 7 Dec 2026 (out of range)
  c5  Rémy    Riverside                                  12 Jan: another clinic
  and Dora missed a consultation with Paula on 10 Jan.
Session records (signed) and the lots charted: c1#1 H1, c1#2 H2, c2#1 H1, c3#1 H1.
Side-effect reports: c1#2 urgent nodules (Ann, reported 20 Jan 10:00, acknowledged 12:30);
  c2#1 expected redness (Ben); c3#1 review bruising (Cleo, 8 Jan 09:00, acknowledged 9 Jan 09:00).
GAIS: c1 by Paula 2 and by Ann 1 (25 Jan); c4 by Dora 3 (10 Jan); c5 by Rémy 5 (20 Jan).
With `ann_done=False`, Ann's second session is still to come (booked, no record): her course is
active, with neither its urgent report nor its scores.
"""

import datetime as dt
from decimal import Decimal

from mesoclinic.followup.models import SideEffectReport
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.scheduling.models import Course
from mesoclinic.treatments.models import ChartPoint, Consent, ConsentTemplate, TreatmentSession
from tests import factories
from tests.inventory.factories import LotFactory, ProductFactory
from tests.scheduling.factories import AppointmentFactory, open_clinic


def day(month, date, hour=9, minute=0, year=2027):
    return dt.datetime(year, month, date, hour, minute, tzinfo=dt.UTC)


def build(harbour, riverside, paula, alice, *, ann_done=True):  # noqa: C901 (one story, told once)
    harbour.timezone = "UTC"
    harbour.save()
    quinn = factories.PractitionerFactory(
        user__username="quinn", user__last_name="Quill", clinic=harbour
    ).user
    paula.last_name = "Pike"
    paula.save()
    room = open_clinic(harbour, [paula.practitioner, quinn.practitioner])[0]
    people = {
        name: factories.PatientFactory(clinic=harbour, given_name=name, family_name=name)
        for name in ("Ann", "Ben", "Cleo", "Dora")
    }
    template = ConsentTemplate.objects.create(
        clinic=harbour,
        treatment="standard",
        version=1,
        title="Consent",
        text="I agree.",
        written_by=alice,
        written_at=day(12, 1, year=2026),
    )
    product = ProductFactory(clinic=harbour, name="Hyaluronic")
    lots = {
        "H1": LotFactory(product=product, number="H1"),
        "H2": LotFactory(product=product, number="H2"),
    }

    def course(patient, protocol, status, verdict="clear", override=""):
        return Course.objects.create(
            clinic=patient.clinic,
            patient=patient,
            protocol_id=protocol,
            protocol_version="1",
            template_id="t",
            status=status,
            verdict=verdict,
            override_reason=override,
        )

    def session(course, number, start, status, by, room=room):
        return AppointmentFactory(
            patient=course.patient,
            practitioner=by.practitioner,
            room=room,
            start=start,
            kind="session",
            course=course,
            number=number,
            status=status,
        )

    def record(appointment, lot, by):
        consent = Consent.objects.filter(
            course=appointment.course
        ).first() or Consent.objects.create(
            clinic=harbour,
            patient=appointment.patient,
            course=appointment.course,
            template=template,
            title="Consent",
            text="I agree.",
            photos_allowed=True,
            typed_name=str(appointment.patient),
            agreed=True,
            signed_via="portal",
            signed_at=day(12, 1, year=2026),
            recorded_by=by,
        )
        made = TreatmentSession.objects.create(
            clinic=harbour,
            patient=appointment.patient,
            appointment=appointment,
            practitioner=by.practitioner,
            consent=consent,
            started_at=appointment.start,
            screening_verdict="clear",
            ended_at=appointment.end,
            signed_at=appointment.end,
            signed_by=by,
            started_by=by,
        )
        ChartPoint.objects.create(
            session=made,
            map="face-front",
            area="face",
            x=Decimal("0.5"),
            y=Decimal("0.5"),
            lot=lot,
            depth_mm=Decimal("1"),
            volume_ml=Decimal("0.1"),
            technique="papules",
        )
        return appointment

    def report(appointment, effect, triage, reported, acknowledged=None):
        return SideEffectReport.objects.create(
            clinic=appointment.clinic,
            patient=appointment.patient,
            session=appointment,
            practitioner=appointment.practitioner,
            effect=effect,
            area="face",
            started_on=reported.date(),
            severity="moderate",
            triage=triage,
            triage_reason="test",
            reported_at=reported,
            acknowledged_at=acknowledged,
        )

    def score(course, rater, value, at, by):
        last = course.sessions.order_by("-start").first()
        return GaisScore.objects.create(
            clinic=course.clinic,
            patient=course.patient,
            course=course,
            practitioner=last.practitioner,
            rater=rater,
            score=value,
            recorded_by=by,
            recorded_at=at,
        )

    c1 = course(people["Ann"], "standard", "completed" if ann_done else "active")
    c2 = course(people["Ben"], "standard", "cancelled", "caution", "Discussed the risk")
    c3 = course(people["Cleo"], "standard", "active")
    c4 = course(people["Dora"], "ref-000", "completed")
    record(session(c1, 1, day(1, 4), "fulfilled", paula), lots["H1"], paula)
    c1s2 = session(c1, 2, day(1, 18), "fulfilled" if ann_done else "booked", paula)
    if ann_done:
        record(c1s2, lots["H2"], paula)
    c2s1 = record(session(c2, 1, day(1, 5), "fulfilled", paula), lots["H1"], paula)
    session(c2, 2, day(1, 19), "cancelled", paula)
    c3s1 = record(session(c3, 1, day(1, 6), "fulfilled", quinn), lots["H1"], quinn)
    session(c3, 2, day(1, 20), "noshow", quinn)
    session(c4, 1, day(12, 7, year=2026), "fulfilled", paula)
    AppointmentFactory(
        patient=people["Dora"],
        practitioner=paula.practitioner,
        room=room,
        start=day(1, 10),
        kind="consultation",
        status="noshow",
    )
    if ann_done:
        report(c1s2, "nodules", "urgent", day(1, 20, 10), day(1, 20, 12, 30))
    report(c2s1, "redness", "expected", day(1, 6, 10))
    report(c3s1, "bruising", "review", day(1, 8), day(1, 9))
    if ann_done:
        score(c1, "practitioner", 2, day(1, 25), paula)
        score(c1, "patient", 1, day(1, 25, 12), paula)
    score(c4, "patient", 3, day(1, 10), paula)

    # Riverside: a course, a session, a score and a report that no Harbour report may count.
    remy = factories.PatientFactory(clinic=riverside, given_name="Rémy", family_name="Roux")
    pierre = factories.PractitionerFactory(user__username="pierre", clinic=riverside).user
    r_room = open_clinic(riverside, [pierre.practitioner])[0]
    c5 = course(remy, "standard", "completed")
    r1 = session(c5, 1, day(1, 12), "noshow", pierre, room=r_room)
    report(r1, "nodules", "urgent", day(1, 13))
    score(c5, "patient", 5, day(1, 20), pierre)

    def grow(count):
        """`count` more patients in January, each with a course whose one session used a new
        lot, an urgent report, a patient's score and a missed consultation."""
        for n in range(count):
            patient = factories.PatientFactory(clinic=harbour, given_name=f"More{n}")
            more = course(patient, "standard", "completed", "caution", "Reason")
            first = record(
                session(more, 1, day(1, 11 + n), "fulfilled", paula),
                LotFactory(product=product, number=f"M{n}"),
                paula,
            )
            report(first, "nodules", "urgent", day(1, 12 + n), day(1, 12 + n, 11))
            score(more, "patient", 1 + n % 5, day(1, 26), paula)
            AppointmentFactory(
                patient=patient,
                practitioner=paula.practitioner,
                room=room,
                start=day(1, 11 + n, 15),
                kind="consultation",
                status="noshow",
            )

    return {
        "quinn": quinn,
        "people": people,
        "lots": lots,
        "courses": (c1, c2, c3, c4, c5),
        "grow": grow,
    }
