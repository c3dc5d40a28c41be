"""Reminders: every one of a course at its instant in the clinic's zone, across a clock change;
moved and cancelled with their session; sent once, by the patient's channel, outside quiet hours.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.followup.domain.reminders import reminder_preference_save
from mesoclinic.followup.models import Reminder
from mesoclinic.followup.sending import send_due
from mesoclinic.outbox.delivery import RETRY_AFTER
from mesoclinic.outbox.models import DeliveryStatus, Email, Sms
from mesoclinic.outbox.sms import LocmemSmsBackend
from mesoclinic.scheduling.domain.courses import course_book, course_cancel
from mesoclinic.scheduling.domain.moves import session_move
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain.sessions import point_add, session_save, session_sign
from mesoclinic.treatments.queries import plan_basis
from tests.factories import PatientFactory
from tests.followup.conftest import book_standard_course, takes
from tests.inventory.factories import LotFactory
from tests.outbox.test_email_delivery import smtp  # noqa: F401 — the fixture, shared
from tests.scheduling.factories import AppointmentFactory
from tests.treatments.factories import (
    catalogue,
    consent_text,
    consented,
    point,
    signed_plan,
    started,
)

LONDON = ZoneInfo("Europe/London")
# Booked on Saturday 6 March 2027; Britain's clocks go forward on Sunday 28 March.
BOOKED = dt.datetime(2027, 3, 6, 10, tzinfo=dt.UTC)
FIRST = dt.date(2027, 3, 15)


def local(reminder_time):
    return reminder_time.astimezone(LONDON).strftime("%a %d %b %H:%M %Z")


def reminders_of(session):
    return [
        (r.kind, r.key, local(r.due_at), r.status)
        for r in Reminder.objects.filter(appointment=session).order_by("due_at", "kind", "key")
    ]


@pytest.fixture
def march_course(rooms, pat, paula):
    """Pat, who takes ibuprofen, books a standard course from Monday 15 March 2027."""
    takes(pat, "Ibuprofen 400 mg")
    pat.email = "pat@example.org"
    pat.save()
    with time_machine.travel(BOOKED, tick=False):
        return book_standard_course(pat, paula, first=FIRST)


def test_every_reminder_of_a_session_across_the_clock_change(march_course):
    session = march_course.sessions.get(number=2)  # Monday 29 March, 09:00 summer time
    assert reminders_of(session) == [
        # Day windows start at midnight; quiet hours (21:00–08:00) hold them until 08:00.
        ("preparation", "pause-nsaids", "Wed 24 Mar 08:00 GMT", "scheduled"),
        ("preparation", "no-alcohol", "Fri 26 Mar 08:00 GMT", "scheduled"),
        # 48 hours before 09:00 summer time, an hour of which the clocks skipped.
        ("appointment", "", "Sat 27 Mar 08:00 GMT", "scheduled"),
        ("preparation", "less-caffeine", "Sun 28 Mar 09:00 BST", "scheduled"),
        ("preparation", "antibacterial-soap", "Mon 29 Mar 08:00 BST", "scheduled"),
        ("preparation", "no-lotions", "Mon 29 Mar 08:00 BST", "scheduled"),
        ("preparation", "numbing-cream", "Mon 29 Mar 08:00 BST", "scheduled"),
        ("preparation", "protein-meal", "Mon 29 Mar 08:00 BST", "scheduled"),
        ("preparation", "water", "Mon 29 Mar 08:00 BST", "scheduled"),
        ("aftercare", "", "Mon 29 Mar 10:00 BST", "scheduled"),
        ("check-in", "day-2", "Wed 31 Mar 10:00 BST", "scheduled"),
        ("check-in", "day-14", "Mon 12 Apr 10:00 BST", "scheduled"),
        ("check-in", "day-42", "Mon 10 May 10:00 BST", "scheduled"),
    ]


def test_a_check_in_across_the_clock_change_keeps_its_hour(march_course):
    first = march_course.sessions.get(number=1)  # Monday 15 March, ended 10:00 winter time
    check_ins = [r for r in reminders_of(first) if r[0] == "check-in"]
    assert check_ins == [
        ("check-in", "day-2", "Wed 17 Mar 10:00 GMT", "scheduled"),
        ("check-in", "day-14", "Mon 29 Mar 10:00 BST", "scheduled"),
        ("check-in", "day-42", "Mon 26 Apr 10:00 BST", "scheduled"),
    ]


def test_only_the_last_session_carries_the_maintenance_recall(march_course):
    recalls = Reminder.objects.filter(kind="recall")
    assert [(r.appointment.number, local(r.due_at)) for r in recalls] == [
        (6, "Wed 24 Nov 10:00 GMT")
    ]


def test_moving_session_3_moves_its_reminders_and_not_the_earlier_ones(march_course, paula):
    third = march_course.sessions.get(number=3)  # Monday 12 April
    others = {n: reminders_of(march_course.sessions.get(number=n)) for n in (1, 2)}
    with time_machine.travel(BOOKED, tick=False):
        session_move(session=third, day=dt.date(2027, 4, 14), following=True, by=paula)
    assert reminders_of(third)[:3] == [
        ("preparation", "pause-nsaids", "Fri 09 Apr 08:00 BST", "scheduled"),
        ("preparation", "no-alcohol", "Sun 11 Apr 08:00 BST", "scheduled"),
        ("appointment", "", "Mon 12 Apr 09:00 BST", "scheduled"),
    ]
    assert reminders_of(third)[-1] == ("check-in", "day-42", "Wed 26 May 10:00 BST", "scheduled")
    assert {n: reminders_of(march_course.sessions.get(number=n)) for n in others} == others
    recall = Reminder.objects.get(kind="recall")
    # The later sessions move with it, each planned again with room on both sides.
    assert (recall.appointment.number, local(recall.due_at)) == (6, "Sun 28 Nov 10:00 GMT")


def test_cancelling_the_course_cancels_every_reminder(march_course, paula):
    with time_machine.travel(BOOKED, tick=False):
        course_cancel(course=march_course, by=paula)
    statuses = set(Reminder.objects.values_list("status", flat=True))
    assert (statuses, Reminder.objects.count()) == ({"cancelled"}, 79)


def test_a_due_reminder_is_sent_once_as_a_templated_email(march_course):
    with time_machine.travel(dt.datetime(2027, 3, 10, 8, 30, tzinfo=dt.UTC), tick=False):
        assert (send_due(), send_due()) == (1, 0)
    (message,) = mail.outbox
    (email,) = Email.objects.all()
    reminder = Reminder.objects.get(status="sent")
    assert (message.subject, message.to, message.alternatives[0].mimetype) == (
        "Before your session at Harbour Skin Clinic",
        ["pat@example.org"],
        "text/html",
    )
    assert message.body.splitlines()[:3] == [
        "Dear Pat,",
        "",
        "Stop taking ibuprofen from Wed 10 Mar until after your treatment: it raises the risk "
        "of bleeding and bruising.",
    ]
    assert (email.key, email.status, email.kind) == (
        f"reminder-{reminder.pk}-202703100800",
        DeliveryStatus.SENT,
        "preparation step",
    )


def test_the_database_refuses_a_second_message_for_one_reminder(march_course):
    with time_machine.travel(dt.datetime(2027, 3, 10, 8, 30, tzinfo=dt.UTC), tick=False):
        send_due()
    email = Email.objects.get()
    with pytest.raises(IntegrityError):
        Email.objects.create(to=email.to, subject="again", kind=email.kind, key=email.key)


def test_a_patient_who_chose_text_messages_gets_one_outside_quiet_hours(march_course, pat):
    pat.phone = "+44 7700 900123"
    pat.save()
    LocmemSmsBackend.outbox.clear()
    with time_machine.travel(BOOKED, tick=False):
        reminder_preference_save(
            patient=pat,
            channel="sms",
            quiet_from=dt.time(22),
            quiet_until=dt.time(9, 30),
            by=pat.user,
        )
    first = Reminder.objects.filter(appointment__number=1).order_by("due_at").first()
    assert (first.key, local(first.due_at), first.channel) == (
        "pause-nsaids",
        "Wed 10 Mar 09:30 GMT",
        "sms",
    )
    with time_machine.travel(first.due_at, tick=False):
        send_due()
    assert LocmemSmsBackend.outbox == [
        (
            "+44 7700 900123",
            "Harbour Skin Clinic: Stop taking ibuprofen from Wed 10 Mar until after your "
            "treatment: it raises the risk of bleeding and bruising.",
        )
    ]
    assert Sms.objects.get().status == DeliveryStatus.SENT


def test_a_refused_send_is_retried_by_the_outbox_and_shown_to_the_admin(
    march_course,
    smtp,  # noqa: F811 — the shared fixture, imported above
    client_for,
    alice,
    django_capture_on_commit_callbacks,
):
    now = dt.datetime(2027, 3, 10, 8, 30, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks() as retries:
            send_due()
        email = Email.objects.get()
        assert (email.status, email.attempts, email.last_error, email.next_attempt_at) == (
            DeliveryStatus.QUEUED,
            1,
            "MailServerDown: Connection refused",
            now + RETRY_AFTER[0],
        )
        assert len(retries) == 1
        page = client_for(alice).get(reverse("accounts:emails")).content.decode()
    assert "MailServerDown: Connection refused" in page


@pytest.fixture
def database_worker(settings):
    """Tasks wait in the database for `mesoclinic db_worker`, as in production."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email", "reminders"],
        }
    }


@pytest.mark.django_db(transaction=True)
def test_booking_wakes_the_worker_when_each_reminder_falls_due(database_worker, rooms, pat, paula):
    pat.email = "pat@example.org"
    pat.save()
    with time_machine.travel(BOOKED, tick=False) as clock:
        book_standard_course(pat, paula, first=FIRST)
        clock.move_to(dt.datetime(2027, 3, 13, 9, 1, tzinfo=dt.UTC))
        call_command("db_worker", batch=True, queue_name="*", startup_delay=False, reload=False)
    sent = Reminder.objects.filter(status="sent").order_by("due_at")
    assert [(r.appointment.number, r.kind, r.key) for r in sent] == [
        (1, "preparation", "no-alcohol"),
        (1, "appointment", ""),
    ]
    assert len(mail.outbox) == 2


def test_the_patient_chooses_text_messages_and_quiet_hours_in_the_portal(
    client_for, march_course, pat
):
    with time_machine.travel(BOOKED, tick=False):
        client = client_for(pat.user)
        client.post(
            reverse("portal:reminders"),
            {"channel": "sms", "quiet_from": "22:00", "quiet_until": "09:30"},
        )
        page = client.get(reverse("portal:reminders"))
    first = Reminder.objects.filter(appointment__number=1).order_by("due_at").first()
    assert (page.context["form"].initial["channel"], first.channel, local(first.due_at)) == (
        "sms",
        "sms",
        "Wed 10 Mar 09:30 GMT",
    )
    assert list(
        AuditEvent.objects.filter(
            action="update", patient_id=pat.pk, summary__startswith="reminders"
        ).values_list("summary", flat=True)
    ) == ["reminders by sms, quiet 22:00–09:30"]


def test_quiet_hours_of_no_length_are_refused_with_the_reason(client_for, march_course, pat):
    with time_machine.travel(BOOKED, tick=False):
        response = client_for(pat.user).post(
            reverse("portal:reminders"),
            {"channel": "email", "quiet_from": "22:00", "quiet_until": "22:00"},
        )
    assert response.context["form"].non_field_errors() == [
        "Quiet hours from 22:00 until 22:00 would be no hours at all."
    ]


def test_a_text_the_gateway_refuses_is_retried_and_shown_to_the_admin(
    march_course, pat, client_for, alice, monkeypatch
):
    pat.phone = "+44 7700 900123"
    pat.save()

    def gateway_down(backend, to, body):
        raise OSError("Gateway unreachable")

    monkeypatch.setattr(LocmemSmsBackend, "send", gateway_down)
    now = dt.datetime(2027, 3, 10, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(BOOKED, tick=False):
        reminder_preference_save(
            patient=pat,
            channel="sms",
            quiet_from=dt.time(22),
            quiet_until=dt.time(9, 30),
            by=pat.user,
        )
    with time_machine.travel(now, tick=False):
        send_due()
        sms = Sms.objects.get()
        response = client_for(alice).get(reverse("accounts:emails"))
    assert (sms.status, sms.attempts, sms.last_error, sms.next_attempt_at) == (
        DeliveryStatus.QUEUED,
        1,
        "OSError: Gateway unreachable",
        now + RETRY_AFTER[0],
    )
    assert [(t.to, t.status) for t in response.context["texts"]] == [("+44 7700 900123", "queued")]


@pytest.fixture
def planned_march_course(rooms, harbour, alice, pat, paula):
    """Pat's consented course of the plan's protocol, from Monday 15 March 2027, and its lots."""
    products = catalogue(harbour)
    with time_machine.travel(BOOKED, tick=False):
        cocktails = [products["hyaluronic"], products["vitamins"]]
        plan = signed_plan(pat, paula, cocktails, numbing=products["numbing"])
        protocol = load_protocol(plan.protocol_id)
        proposal = propose_course(pat, protocol, protocol.course(), FIRST, areas=("face", "neck"))
        course = course_book(
            proposal=proposal, by=paula, basis=plan_basis(plan), override_reason=""
        )
        consent_text(harbour, alice)
        consented(course)
    return course, LotFactory(product=products["hyaluronic"], number="HA-1")


def aftercare_of(session):
    return [
        (kind, key, due) for kind, key, due, _ in reminders_of(session) if kind != "preparation"
    ]


def test_signing_moves_aftercare_from_the_booked_end_to_the_recorded_one(
    planned_march_course, paula
):
    course, lot = planned_march_course
    first = course.sessions.get(number=1)  # Monday 15 March, booked 09:00–09:30 winter time
    booked = aftercare_of(first)
    with time_machine.travel(first.start, tick=False) as clock:
        session = started(first, paula)
        point_add(session=session, point=point(lot), by=paula)
        ended = first.start + dt.timedelta(minutes=95)
        clock.move_to(ended + dt.timedelta(minutes=20))
        session_save(
            session=session,
            disinfection="Chlorhexidine 0.5%",
            numbing_product=None,
            numbing_lot=None,
            numbing_minutes=None,
            soothing_product=None,
            reactions="",
            notes="",
            ended_at=ended,
            by=paula,
        )
        session_sign(session=session, by=paula)
    assert (booked, aftercare_of(first)) == (
        [
            ("appointment", "", "Sat 13 Mar 09:00 GMT"),
            ("aftercare", "", "Mon 15 Mar 09:30 GMT"),
            ("check-in", "day-2", "Wed 17 Mar 09:30 GMT"),
            ("check-in", "day-14", "Mon 29 Mar 09:30 BST"),
            ("check-in", "day-42", "Mon 26 Apr 09:30 BST"),
        ],
        [
            ("appointment", "", "Sat 13 Mar 09:00 GMT"),
            # Due as it was signed, the end it records having passed.
            ("aftercare", "", "Mon 15 Mar 10:35 GMT"),
            ("check-in", "day-2", "Wed 17 Mar 10:35 GMT"),
            # Across the clock change a check-in keeps the recorded end's hour.
            ("check-in", "day-14", "Mon 29 Mar 10:35 BST"),
            ("check-in", "day-42", "Mon 26 Apr 10:35 BST"),
        ],
    )


# A batch claims its reminders with their patients and clinic in one query, writes the outbox
# in one and marks them sent in one, each batch in a transaction of its own; then an empty
# batch and a look for reminders another worker holds. The templates read nothing more: nine
# queries for one patient's email or three.
@pytest.mark.parametrize("patients", [1, 3])
def test_sending_takes_a_constant_number_of_queries(
    harbour, paula, rooms, patients, django_assert_num_queries
):
    due = dt.datetime(2027, 3, 10, 8, tzinfo=dt.UTC)
    for n in range(patients):
        patient = PatientFactory(clinic=harbour, given_name=f"Pat{n}", email=f"p{n}@example.org")
        appointment = AppointmentFactory(
            patient=patient,
            practitioner=paula.practitioner,
            room=rooms[0],
            start=dt.datetime(2027, 3, 15, 9 + n, tzinfo=dt.UTC),
        )
        Reminder.objects.create(
            clinic=harbour,
            patient=patient,
            appointment=appointment,
            kind="check-in",
            about_at=due,
            due_at=due,
            text="Any redness, lumps, warmth or discharge?",
        )
    with time_machine.travel(due, tick=False), django_assert_num_queries(9):
        assert send_due() == patients
    assert sorted(m.body.splitlines()[0] for m in mail.outbox) == [
        f"Dear Pat{n}," for n in range(patients)
    ]
