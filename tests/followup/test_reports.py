"""Side-effect reports from the portal and by phone, the urgent advice, the practitioners'
inbox (acknowledge, assess, close), photos without their metadata, and who may see what."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.followup.domain.reports import (
    ReportRefused,
    report_acknowledge,
    report_close,
    side_effect_report,
)
from mesoclinic.followup.escalation import escalate_due
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.outbox.models import Email
from tests import factories
from tests.followup.factories import SideEffectReportFactory
from tests.treatments.test_session_photos import jpeg_with_gps

DAY_20 = dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)
LONDON = ZoneInfo("Europe/London")


def report_lump(client, **extra):
    return client.post(
        reverse("portal:side-effect-new"),
        {
            "effect": "nodules",
            "area": "left cheek",
            "started_on": "2026-12-20",
            "severity": "moderate",
            "note": "A painful lump",
            **extra,
        },
    )


@pytest.fixture
def day_20(course):
    with time_machine.travel(DAY_20, tick=False):
        yield course


def test_a_painful_lump_is_urgent_and_the_patient_is_told_to_call_now(client_for, day_20, pat):
    client = client_for(pat.user)
    response = report_lump(client)
    report = SideEffectReport.objects.get()
    assert response["Location"] == reverse("portal:side-effect", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert (report.triage, report.session.number, report.practitioner.user.username) == (
        "urgent",
        2,
        "paula",
    )
    assert "Call Harbour Skin Clinic now" in page
    assert '<a href="tel:+44 20 7946 0000"><strong>+44 20 7946 0000</strong></a>' in page


def test_an_expected_effect_tells_the_patient_when_it_should_pass(client_for, course, pat):
    # The day after session 2 (Monday 14 December): redness may last 3 days.
    with time_machine.travel(dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        client = client_for(pat.user)
        response = report_lump(client, effect="redness", started_on="2026-12-15", severity="mild")
        page = client.get(response["Location"]).content.decode()
    report = SideEffectReport.objects.get()
    assert (report.triage, report.passes_by) == ("expected", dt.date(2026, 12, 17))
    assert "It should pass by Thu 17 Dec." in page


def test_a_report_writes_its_audit_row(client_for, day_20, pat):
    report_lump(client_for(pat.user))
    assert list(
        AuditEvent.objects.filter(
            action="create", object_type="followup.SideEffectReport"
        ).values_list("summary", flat=True)
    ) == ["side effect reported by the patient: nodules, moderate, urgent"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_photo_is_kept_without_its_exif_and_shown_only_to_the_clinic(
    client_for, day_20, media, harbour, pat, paula, charlie
):
    upload = SimpleUploadedFile("lump.jpg", jpeg_with_gps(), content_type="image/jpeg")
    report_lump(client_for(pat.user), photo=upload)
    report = SideEffectReport.objects.get()
    kept = sorted(str(p.relative_to(media)) for p in media.rglob("*.jpg"))
    with Image.open(media / report.photo) as stored:
        assert (dict(stored.getexif()), stored.size) == ({}, (640, 480))
    # Another patient's report, whose photo Pat's address must not reach either.
    other = factories.PatientFactory(clinic=harbour, given_name="Olive", with_account="olive")
    url = reverse("followup:report-photo", args=[report.pk])
    answers = [client_for(user).get(url) for user in (paula, charlie, other.user, pat.user)]
    assert (kept, [(r.status_code, r["Content-Type"]) for r in answers]) == (
        sorted([report.photo, report.photo_thumbnail]),
        [
            (200, "image/jpeg"),
            (404, "text/html; charset=utf-8"),
            (403, "text/html; charset=utf-8"),
            (403, "text/html; charset=utf-8"),
        ],
    )
    assert report.photo.startswith(f"photos/{harbour.pk}/{pat.pk}/")


def test_a_file_that_is_not_a_picture_is_refused_with_the_reason(client_for, day_20, pat):
    upload = SimpleUploadedFile("lump.jpg", b"not a picture", content_type="image/jpeg")
    response = report_lump(client_for(pat.user), photo=upload)
    assert response.context["form"].non_field_errors() == [
        "The photo could not be read as a picture; send a JPEG or PNG file."
    ]
    assert SideEffectReport.objects.count() == 0


def test_the_inbox_shows_urgent_then_review_never_expected(client_for, day_20, pat, paula):
    session = day_20.sessions.get(number=2)
    review = SideEffectReportFactory(
        patient=pat, session=session, effect="bruising", triage="review"
    )
    urgent = SideEffectReportFactory(patient=pat, session=session)
    SideEffectReportFactory(patient=pat, session=session, effect="redness", triage="expected")
    response = client_for(paula).get(reverse("followup:inbox"))
    assert response.context["reports"] == [urgent, review]


def test_another_practitioners_inbox_has_paulas_reports_only_when_she_is_away(
    client_for, day_20, pat, harbour
):
    quinn = factories.PractitionerFactory(user__username="quinn", clinic=harbour).user
    report = SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    sunday = client_for(quinn).get(reverse("followup:inbox")).context["reports"]
    with time_machine.travel(dt.datetime(2026, 12, 21, 12, tzinfo=dt.UTC), tick=False):
        monday = client_for(quinn).get(reverse("followup:inbox")).context["reports"]
    # Paula works weekdays: on Sunday she is away, so Quinn sees her patient's report.
    assert (sunday, monday) == ([report], [])


def test_another_clinics_inbox_has_none_of_harbours_reports(client_for, day_20, pat, charlie):
    SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    assert client_for(charlie).get(reverse("followup:inbox")).context["reports"] == []


# 1 session, 2 user, 3 their second factor, 4 the reports with their patients and practitioners
@pytest.mark.parametrize(("count", "queries"), [(1, 4), (3, 4)])
def test_the_inbox_query_count_does_not_grow(
    client_for, day_20, pat, paula, django_assert_num_queries, count, queries
):
    for _ in range(count):
        SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    client = client_for(paula)
    with django_assert_num_queries(queries):
        response = client.get(reverse("followup:inbox"))
    assert len(response.context["reports"]) == count


# 1 session, 2 user, 3 patient, 4 the permission check's patient with their clinic, 5 the audit
# chain's head, 6 the audit row, 7 the reports
@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_the_portal_report_page_query_count_does_not_grow(
    client_for, day_20, pat, django_assert_num_queries, count, queries
):
    for _ in range(count):
        SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    client = client_for(pat.user)
    with django_assert_num_queries(queries):
        response = client.get(reverse("portal:side-effect-new"))
    assert len(response.context["reports"]) == count


def test_the_practitioner_acknowledges_assesses_and_closes_a_report(client_for, day_20, pat, paula):
    report = SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    client = client_for(paula)
    url = reverse("followup:report", args=[report.pk])
    client.post(url, {"action": "acknowledge"})
    client.post(
        url,
        {
            "action": "assess",
            "assessment": "Firm 5 mm nodule, warm. Possible infection.",
            "advice": "Come in tomorrow at 09:00.",
        },
    )
    client.post(url, {"action": "close"})
    report.refresh_from_db()
    assert (report.status, report.advice, report.closed_by) == (
        "closed",
        "Come in tomorrow at 09:00.",
        paula,
    )
    assert list(
        AuditEvent.objects.filter(action="update", object_type="followup.SideEffectReport")
        .order_by("id")
        .values_list("summary", flat=True)
    ) == ["side effect acknowledged", "side effect assessed", "side effect closed"]
    assert client.get(reverse("home")).context["follow_up"] == {"urgent": 0, "review": 0}


def test_a_consultation_is_booked_from_a_report_in_one_step(client_for, day_20, pat, paula):
    report = SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    client = client_for(paula)
    url = reverse("followup:report", args=[report.pk])
    booked = client.post(url, {"action": "book", "from_day": "2026-12-22"}, follow=True)
    again = client.post(url, {"action": "book", "from_day": ""}, follow=True)
    report.refresh_from_db()
    appointment = report.appointment
    assert (
        appointment.kind,
        appointment.patient,
        appointment.practitioner.user,
        appointment.start.astimezone(LONDON),
    ) == ("consultation", pat, paula, dt.datetime(2026, 12, 22, 9, tzinfo=LONDON))
    assert [
        [str(m) for m in booked.context["messages"]],
        [str(m) for m in again.context["messages"]],
        booked.content.decode().count('class="report-appointment"'),
    ] == [
        ["Consultation booked: Tue 22 Dec 09:00 with Paula Tester."],
        ["A follow-up appointment is already booked from this report."],
        1,
    ]
    assert list(
        AuditEvent.objects.filter(patient_id=pat.pk, action__in=("create", "update"))
        .filter(object_type__in=("scheduling.Appointment", "followup.SideEffectReport"))
        .order_by("id")
        .values_list("object_type", "summary")
    )[-2:] == [
        (
            "scheduling.Appointment",
            "booked a consultation on 2026-12-22 09:00 with Paula Tester in Room 1",
        ),
        ("followup.SideEffectReport", "follow-up consultation booked for 2026-12-22 09:00"),
    ]


def test_another_clinic_cannot_book_from_a_report(client_for, day_20, pat, charlie):
    report = SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    url = reverse("followup:report", args=[report.pk])
    response = client_for(charlie).post(url, {"action": "book", "from_day": "2026-12-22"})
    report.refresh_from_db()
    assert (response.status_code, report.appointment) == (404, None)


def test_a_report_is_not_closed_before_it_is_assessed(day_20, pat, paula):
    report = SideEffectReportFactory(patient=pat, session=day_20.sessions.get(number=2))
    with pytest.raises(ReportRefused, match=r"This report is open: it cannot be closed now\."):
        report_close(report=report, by=paula)


def test_the_dashboard_counts_what_waits_in_the_inbox(client_for, day_20, pat, paula):
    session = day_20.sessions.get(number=2)
    SideEffectReportFactory(patient=pat, session=session)
    SideEffectReportFactory(patient=pat, session=session, effect="bruising", triage="review")
    SideEffectReportFactory(patient=pat, session=session, effect="bruising", triage="review")
    assert client_for(paula).get(reverse("home")).context["follow_up"] == {
        "urgent": 1,
        "review": 2,
    }


def test_staff_take_a_report_down_on_the_phone(client_for, day_20, pat, paula):
    response = client_for(paula).post(
        reverse("followup:report-by-phone", args=[pat.pk]),
        {"effect": "fever", "area": "face", "started_on": "2026-12-20", "severity": "moderate"},
    )
    report = SideEffectReport.objects.get()
    assert (response["Location"], report.triage, report.reported_by) == (
        reverse("followup:report", args=[report.pk]),
        "urgent",
        paula,
    )


def test_a_report_before_any_session_says_so(frozen_now, rooms, pat):
    with pytest.raises(ReportRefused, match="has had none before Sat 21 Nov 2026"):
        side_effect_report(
            patient=pat,
            effect="redness",
            area="face",
            started_on=dt.date(2026, 11, 21),
            severity="mild",
            by=pat.user,
        )


def test_an_unacknowledged_urgent_report_escalates_once_after_the_clinics_time(
    client_for, course, pat, paula, alice, harbour
):
    harbour.urgent_escalation_minutes = 30
    harbour.save()
    quinn = factories.PractitionerFactory(user__username="quinn", clinic=harbour).user
    for person in (paula, alice, quinn):
        person.email = f"{person.username}@harbour.example"
        person.save()
    monday = dt.datetime(2026, 12, 21, 11, tzinfo=dt.UTC)  # Paula works today
    with time_machine.travel(monday, tick=False):
        side_effect_report(
            patient=pat,
            effect="fever",
            area="face",
            started_on=dt.date(2026, 12, 21),
            severity="moderate",
            by=pat.user,
        )
        before = client_for(quinn).get(reverse("followup:inbox")).context["reports"]
    with time_machine.travel(monday + dt.timedelta(minutes=29), tick=False):
        early = escalate_due(dt.datetime.now(dt.UTC))
    with time_machine.travel(monday + dt.timedelta(minutes=30), tick=False):
        escalated = (escalate_due(dt.datetime.now(dt.UTC)), escalate_due(dt.datetime.now(dt.UTC)))
        after = client_for(quinn).get(reverse("followup:inbox")).context["reports"]
    assert (before, early, escalated, len(after)) == ([], 0, (1, 0), 1)
    assert sorted(Email.objects.values_list("to", flat=True)) == [
        "alice@harbour.example",
        "paula@harbour.example",
        "quinn@harbour.example",
    ]


def test_an_acknowledged_urgent_report_does_not_escalate(course, pat, paula):
    report = SideEffectReportFactory(patient=pat, session=course.sessions.get(number=1))
    report_acknowledge(report=report, by=paula)
    assert escalate_due(dt.datetime(2026, 12, 25, tzinfo=dt.UTC)) == 0
