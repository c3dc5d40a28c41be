"""The demo clinic comes with its catalogue and one signed consultation whose plan's course is
booked; loading it again, on any day, adds nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.demo import demo_load
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.scheduling.models import Course
from mesoclinic.treatments.models import Consent, Consultation
from mesoclinic.treatments.queries import valid_consent

LONDON = ZoneInfo("Europe/London")


def test_the_demo_books_james_a_course_once(db):
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        demo_load()
        demo_load()
    course = Course.objects.get(patient__user__username="patient.james")
    days = [s.start.astimezone(LONDON) for s in course.sessions.order_by("number")]
    assert (str(course.patient), course.protocol_id, course.verdict) == (
        "James Okafor",
        "ref-000",
        "eligible",
    )
    assert [d.strftime("%a %d %b %H:%M") for d in days[:2]] == [
        "Mon 23 Nov 09:00",
        "Tue 08 Dec 09:00",
    ]
    assert check_course(load_protocol("ref-000").course(), [d.date() for d in days]) == []
    assert {str(s.practitioner) for s in course.sessions.all()} == {"Elena Morgan"}


def test_the_demo_catalogue_has_its_lots_one_near_expiry_and_james_a_signed_plan(db):
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        demo_load()
    with time_machine.travel(dt.datetime(2027, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        demo_load()
    harbour = Product.objects.filter(clinic__name="Harbour Skin Clinic")
    assert list(harbour.values_list("name", "form", "numbing", "prescription_only")) == [
        ("Hair-loss cocktail", "injectable", False, False),
        ("Hyaluronic acid 1% (non-cross-linked)", "injectable", False, False),
        ("Lidocaine 4% numbing cream", "cream", True, False),
        ("Phosphatidylcholine / deoxycholate lipolytic", "injectable", False, True),
        ("Revitalising vitamin cocktail", "injectable", False, False),
        ("Soothing after-care mask", "mask", False, False),
    ]
    soonest = Lot.objects.filter(clinic__name="Harbour Skin Clinic").order_by("expires").first()
    assert (soonest.number, soonest.expires) == ("HA-24031", dt.date(2026, 12, 12))
    consultation = Consultation.objects.get()
    course = Course.objects.get(patient__user__username="patient.james")
    assert (
        str(consultation.patient),
        consultation.signed,
        consultation.recommendation,
        [a.area for a in consultation.plan.areas.all()],
        course.treatment_plan_id,
    ) == ("James Okafor", True, "mesotherapy", ["face", "neck"], consultation.plan.pk)


def test_james_signed_his_courses_consent_in_the_portal(db):
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        demo_load()
        demo_load()
    consent = Consent.objects.get(patient__user__username="patient.james")
    assert (
        str(consent.patient),
        consent.signed_via,
        consent.photos_allowed,
        consent.template.treatment,
        valid_consent(Course.objects.get(patient=consent.patient)),
    ) == ("James Okafor", "portal", True, "ref-000", consent)
