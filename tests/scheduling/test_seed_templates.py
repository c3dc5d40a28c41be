"""Every shipped course template: booked and moved courses keep the clinical core's windows,
across busy calendars and holidays (checked with `check_course`, never with our own rule)."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoclinic.clinical.courses import check_course, gap_window
from mesoclinic.clinical.protocols import all_protocols
from mesoclinic.clinics.models import ClinicClosure
from mesoclinic.scheduling.domain.moves import session_move
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.proposals import propose_course
from tests import factories
from tests.scheduling.factories import AppointmentFactory, book_course, closed_on, open_clinic

LONDON = ZoneInfo("Europe/London")
FIRST = dt.date(2026, 11, 30)
TEMPLATES = [(p, t) for p in all_protocols() for t in p.courses]


def busy_calendar(rng, clinic, practitioners, rooms, days=200):
    """Random existing appointments (never double-booked themselves) and random holidays."""
    taken = []
    for _ in range(days * 3):
        day = FIRST + dt.timedelta(days=rng.randrange(days))
        start = dt.datetime.combine(day, dt.time(9), tzinfo=LONDON) + dt.timedelta(
            minutes=15 * rng.randrange(30)
        )
        end = start + dt.timedelta(minutes=rng.choice([30, 60, 120]))
        practitioner, room = rng.choice(practitioners), rng.choice(rooms)
        if any((p == practitioner or r == room) and s < end and start < e for p, r, s, e in taken):
            continue
        taken.append((practitioner, room, start, end))
        AppointmentFactory(
            patient__clinic=clinic, practitioner=practitioner, room=room, start=start, end=end
        )
    for offset in rng.sample(range(days), 12):
        closed_on(clinic, FIRST + dt.timedelta(days=offset))


def local_days(course):
    return [s.start.astimezone(LONDON).date() for s in course.sessions.holding().order_by("number")]


def double_bookings(course):
    """Other active appointments sharing a practitioner, a room or the patient with a session."""
    rows = list(
        Appointment.objects.holding().values_list(
            "id", "practitioner_id", "room_id", "patient_id", "start", "end"
        )
    )
    sessions = set(course.sessions.values_list("id", flat=True))
    return [
        (a[0], b[0])
        for a in rows
        for b in rows
        if a[0] in sessions
        and a[0] != b[0]
        and (a[1] == b[1] or a[2] == b[2] or a[3] == b[3])
        and a[4] < b[5]
        and b[4] < a[5]
    ]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize(
    ("protocol", "template"), TEMPLATES, ids=[f"{p.id}/{t.id}" for p, t in TEMPLATES]
)
def test_booked_and_moved_courses_keep_the_templates_windows(
    protocol, template, seed, harbour, pat
):
    rng = random.Random(f"{protocol.id}/{template.id}/{seed}")
    practitioners = [factories.PractitionerFactory(clinic=harbour) for _ in range(2)]
    rooms = open_clinic(harbour, practitioners)
    busy_calendar(rng, harbour, practitioners, rooms)
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        plan = propose_course(pat, protocol, template, FIRST, areas=("face", "neck"))
        assert plan.placement.unplaced == []
        course = book_course(proposal=plan, by=practitioners[0].user)
        assert check_course(template, local_days(course)) == []
        number = rng.randrange(2, template.sessions_max + 1)
        before = local_days(course)[number - 2]
        low, high = gap_window(template, number)
        session = course.sessions.get(number=number)
        open_days = [
            day
            for day in (before + dt.timedelta(days=n) for n in range(low, high + 1))
            if day.weekday() < 5 and not ClinicClosure.objects.filter(day=day).exists()
        ]
        session_move(
            session=session, day=rng.choice(open_days), by=practitioners[0].user, following=True
        )
    assert check_course(template, local_days(course)) == []
    assert double_bookings(course) == []
