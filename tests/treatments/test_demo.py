"""The demo clinic comes with one booked course, and loading it again adds no other."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.demo import demo_load
from mesoclinic.scheduling.models import Course

LONDON = ZoneInfo("Europe/London")


def test_the_demo_books_james_a_course_once(db):
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        demo_load()
        demo_load()
    course = Course.objects.get()
    days = [s.start.astimezone(LONDON) for s in course.sessions.order_by("number")]
    assert (str(course.patient), course.protocol_id, course.verdict) == (
        "James Okafor",
        "ref-000",
        "eligible",
    )
    assert [d.strftime("%a %d %b %H:%M") for d in days[:2]] == [
        "Mon 23 Nov 09:00",
        "Mon 07 Dec 09:00",
    ]
    assert check_course(load_protocol("ref-000").course(), [d.date() for d in days]) == []
    assert {str(s.practitioner) for s in course.sessions.all()} == {"Elena Morgan"}
