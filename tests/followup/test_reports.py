"""Side-effect reports from the portal and by phone, the urgent advice, the practitioners'
inbox (acknowledge, assess, close), photos without their metadata, and who may see what."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.followup.domain.reports import (
    ReportRefused,
    report_close,
    side_effect_report,
)
from mesoclinic.followup.models import SideEffectReport
from tests import factories
from tests.followup.factories import SideEffectReportFactory

DAY_20 = dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC)


def photo_with_exif():
    exif = Image.Exif()
    exif[0x010F] = "Acme Phones"  # Make
    exif[0x0132] = "2026:12:20 09:58:00"  # DateTime
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


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
    assert "It should pass by Thursday 17 December." in page


def test_a_report_writes_its_audit_row(client_for, day_20, pat):
    report_lump(client_for(pat.user))
    assert list(
        AuditEvent.objects.filter(
            action="create", object_type="followup.SideEffectReport"
        ).values_list("summary", flat=True)
    ) == ["side effect reported by the patient: nodules, moderate, urgent"]


def test_a_photo_is_kept_without_its_exif_and_shown_only_to_the_clinic(
    client_for, day_20, pat, paula, charlie
):
    upload = SimpleUploadedFile("lump.jpg", photo_with_exif(), content_type="image/jpeg")
    report_lump(client_for(pat.user), photo=upload)
    report = SideEffectReport.objects.get()
    with Image.open(io.BytesIO(bytes(report.photo))) as stored:
        assert (dict(stored.getexif()), stored.size) == ({}, (40, 30))
    url = reverse("followup:report-photo", args=[report.pk])
    answers = [client_for(user).get(url) for user in (paula, charlie)]
    assert [(r.status_code, r.get("Content-Type")) for r in answers] == [
        (200, "image/jpeg"),
        (404, "text/html; charset=utf-8"),
    ]


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


# 1 session, 2 user, 3 patient, 4 the permission check's patient, 5 the audit chain's head,
# 6 the audit row, 7 the clinic, 8 the reports
@pytest.mark.parametrize(("count", "queries"), [(1, 8), (3, 8)])
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
