"""Consent and the session record through the domain functions: no session without a valid
consent, only usable lots, signed records never change, stock and the course move on signing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mesoclinic.audit.models import AuditEvent
from mesoclinic.inventory.domain import lot_set_status
from mesoclinic.inventory.models import Lot
from mesoclinic.scheduling.domain.appointments import appointment_set_status
from mesoclinic.treatments.domain.consent import (
    NEEDS_GUARDIAN,
    NOT_YOUR_COURSE,
    ONLY_ADMIN,
    ConsentRefused,
    consent_sign,
)
from mesoclinic.treatments.domain.sessions import (
    LOT_BLOCKED,
    LOT_EXPIRED,
    NEW_ABSOLUTE,
    NO_CONSENT,
    NOT_HELD,
    NOT_PLANNED,
    PREPARATION_UNANSWERED,
    SIGNED,
    SessionRefused,
    point_add,
    point_move,
    point_remove,
    session_addendum_add,
    session_save,
    session_sign,
)
from mesoclinic.treatments.models import ChartPoint, Consent, ImmutableRecord
from mesoclinic.treatments.queries import valid_consent
from tests.inventory.factories import LotFactory
from tests.patients.factories import ConditionFactory
from tests.treatments.factories import (
    all_followed,
    booked_course,
    catalogue,
    consent_text,
    consented,
    point,
    started,
)

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def products(harbour):
    return catalogue(harbour)


@pytest.fixture
def course(rooms, pat, paula, products):
    return booked_course(
        pat, paula, [products["hyaluronic"], products["vitamins"]], numbing=products["numbing"]
    )


@pytest.fixture
def lots(products):
    """Two hyaluronic lots (the later one received first), one vitamin lot, one numbing lot."""
    return {
        "ha-late": LotFactory(
            product=products["hyaluronic"], number="HA-2", expires=dt.date(2027, 9, 1)
        ),
        "ha": LotFactory(
            product=products["hyaluronic"], number="HA-1", expires=dt.date(2027, 3, 1)
        ),
        "vit": LotFactory(product=products["vitamins"], number="VC-1", quantity_received=3),
        "numbing": LotFactory(product=products["numbing"], number="LC-1"),
    }


@pytest.fixture
def first(course):
    return course.sessions.order_by("number").first()


def test_the_patient_signs_the_current_text_with_the_planned_products(
    course, alice, harbour, products
):
    products["vitamins"].off_label_note = "Licensed for the face only; used here on the neck."
    products["vitamins"].save()
    consent_text(harbour, alice)
    consent = consented(course, photos=False)
    assert (
        consent.title,
        consent.template.version,
        consent.products,
        consent.risks[0],
        consent.photos_allowed,
        consent.typed_name,
        consent.signed_via,
    ) == (
        "Consent to mesotherapy",
        1,
        [
            {"name": "Hyaluronic acid 1%", "off_label": ""},
            {
                "name": "Vitamin cocktail",
                "off_label": "Licensed for the face only; used here on the neck.",
            },
            {"name": "Lidocaine cream", "off_label": ""},
        ],
        "Infection at an injection site",
        False,
        str(course.patient),
        "portal",
    )
    assert valid_consent(course) == consent


def test_a_new_version_of_the_text_asks_for_a_new_signature(course, alice, harbour, pat):
    consent_text(harbour, alice)
    consented(course)
    assert valid_consent(course) is not None
    consent_text(harbour, alice)
    assert valid_consent(course) is None
    renewed = consented(course)
    assert (valid_consent(course), renewed.template.version) == (renewed, 2)


def test_only_the_admin_writes_the_text_and_only_the_patient_signs_in_the_portal(
    course, alice, paula, harbour, charlie
):
    with pytest.raises(ConsentRefused) as not_admin:
        consent_text(harbour, paula)
    consent_text(harbour, alice)
    with pytest.raises(ConsentRefused) as someone_else:
        consent_sign(
            course=course,
            photos_allowed=True,
            typed_name="Charlie",
            agreed=True,
            signed_via="tablet",
            by=charlie,
        )
    assert (str(not_admin.value), str(someone_else.value)) == (ONLY_ADMIN, NOT_YOUR_COURSE)


def test_a_guardian_signs_for_a_minor(course, alice, harbour, pat, rita):
    consent_text(harbour, alice)
    pat.birth_date = dt.date(2010, 5, 1)
    pat.save()
    tablet = {"course": course, "photos_allowed": False, "agreed": True, "signed_via": "tablet"}
    with pytest.raises(ConsentRefused) as alone:
        consent_sign(**tablet, typed_name="Pat", by=rita)
    consent = consent_sign(
        **tablet,
        typed_name="Jo Example",
        guardian_name="Jo Example",
        guardian_relationship="mother",
        by=rita,
    )
    assert str(alone.value) == NEEDS_GUARDIAN.format(patient=pat)
    assert (consent.guardian_relationship, consent.recorded_by) == ("mother", rita)


def test_a_signed_consent_cannot_change(course, alice, harbour):
    consent_text(harbour, alice)
    consent = consented(course)
    consent.photos_allowed = False
    with pytest.raises(ImmutableRecord):
        consent.save()
    with pytest.raises(ImmutableRecord):
        consent.delete()
    assert Consent.objects.get().photos_allowed is True


def test_no_session_without_a_valid_consent(course, first, paula, alice, harbour, pat):
    with pytest.raises(SessionRefused) as unsigned:
        started(first, paula)
    consent_text(harbour, alice)
    consented(course)
    consent_text(harbour, alice)
    with pytest.raises(SessionRefused) as outdated:
        started(first, paula)
    assert str(unsigned.value) == str(outdated.value) == NO_CONSENT.format(patient=pat)
    consented(course)
    assert started(first, paula).consent.template.version == 2


def test_each_preparation_step_is_asked(course, first, paula, alice, harbour):
    consent_text(harbour, alice)
    consented(course)
    answers = all_followed(first)
    from mesoclinic.treatments.domain.sessions import session_start

    with pytest.raises(SessionRefused) as skipped:
        session_start(appointment=first, preparation=answers[1:], by=paula)
    assert str(skipped.value) == PREPARATION_UNANSWERED.format(steps=answers[0].instruction)
    session = session_start(appointment=first, preparation=answers, by=paula)
    assert [step["followed"] for step in session.preparation] == [True] * len(answers)


def test_a_new_absolute_contraindication_blocks_unless_overridden(
    course, first, paula, alice, harbour, pat
):
    consent_text(harbour, alice)
    consented(course)
    ConditionFactory(patient=pat, text="Pregnant")
    with pytest.raises(SessionRefused) as blocked:
        started(first, paula)
    session = started(first, paula, override_reason="Pregnancy test negative this morning")
    assert str(blocked.value) == NEW_ABSOLUTE.format(concepts="pregnancy")
    assert (session.new_findings[0]["concept"], session.override_by) == ("pregnancy", paula)


@pytest.fixture
def session(course, first, paula, alice, harbour):
    consent_text(harbour, alice)
    consented(course)
    return started(first, paula)


def test_an_expired_or_recalled_lot_is_refused(session, paula, products, lots):
    expired = LotFactory(
        product=products["hyaluronic"], number="HA-0", expires=dt.date(2026, 11, 20)
    )
    recalled = LotFactory(product=products["hyaluronic"], number="HA-R", status="recalled")
    quarantined = LotFactory(product=products["hyaluronic"], number="HA-Q", status="quarantined")
    refused = []
    for lot in (expired, recalled, quarantined):
        with pytest.raises(SessionRefused) as error:
            point_add(session=session, point=point(lot), by=paula)
        refused.append(str(error.value))
    product = products["hyaluronic"]
    assert refused == [
        LOT_EXPIRED.format(lot="HA-0", product=product, expires=dt.date(2026, 11, 20)),
        LOT_BLOCKED.format(lot="HA-R", product=product, status="recalled"),
        LOT_BLOCKED.format(lot="HA-Q", product=product, status="quarantined"),
    ]
    assert ChartPoint.objects.count() == 0


def test_a_lot_of_a_product_not_planned_for_the_area_is_refused(session, paula, lots):
    with pytest.raises(SessionRefused) as refused:
        point_add(session=session, point=point(lots["vit"], area="face"), by=paula)
    assert str(refused.value) == NOT_PLANNED.format(
        product="Vitamin cocktail", area="face", planned="Hyaluronic acid 1%"
    )


def test_points_are_moved_and_removed_before_signing(session, paula, lots):
    kept = point_add(session=session, point=point(lots["ha"]), by=paula)
    gone = point_add(session=session, point=point(lots["ha"], x="0.1"), by=paula)
    point_move(session=session, point_id=kept.pk, x=Decimal("0.25"), y=Decimal("0.75"), by=paula)
    point_remove(session=session, point_id=gone.pk, by=paula)
    assert list(session.points.values_list("x", "y")) == [(Decimal("0.25"), Decimal("0.75"))]


def record(session, paula, products, lots):
    """Ten points on the face and neck with two products, numbing and soothing, then signed."""
    for n in range(6):
        point_add(session=session, point=point(lots["ha"], x=f"0.{n + 2}"), by=paula)
    for n in range(4):
        at = point(lots["vit"], map="neck", area="neck", y=f"0.{n + 3}", volume="0.2")
        point_add(session=session, point=at, by=paula)
    session_save(
        session=session,
        disinfection="Chlorhexidine 0.5%",
        numbing_product=products["numbing"],
        numbing_lot=lots["numbing"],
        numbing_minutes=20,
        soothing_product=None,
        reactions="Mild redness",
        notes="",
        ended_at=None,
        by=paula,
    )
    return session_sign(session=session, by=paula)


def test_signing_takes_one_unit_of_each_lot_and_makes_the_course_active(
    session, paula, products, lots, course
):
    signed = record(session, paula, products, lots)
    left = dict(Lot.objects.values_list("number", "quantity_left"))
    course.refresh_from_db()
    signed.appointment.refresh_from_db()
    assert left == {"HA-1": 9, "HA-2": 10, "VC-1": 2, "LC-1": 9}
    assert (course.status, signed.appointment.status, signed.ended_at) == (
        "active",
        "fulfilled",
        signed.signed_at,
    )
    audited = AuditEvent.objects.filter(object_type="treatments.TreatmentSession")
    assert audited.order_by("pk").last().summary == (
        "signed; lots used: HA-1, VC-1, LC-1; course active"
    )


def test_a_signed_session_cannot_change(session, paula, products, lots):
    signed = record(session, paula, products, lots)
    charted = signed.points.first()
    attempts = [
        lambda: point_add(session=signed, point=point(lots["ha"]), by=paula),
        lambda: point_move(
            session=signed, point_id=charted.pk, x=Decimal("0"), y=Decimal("0"), by=paula
        ),
        lambda: point_remove(session=signed, point_id=charted.pk, by=paula),
        lambda: session_save(
            session=signed,
            disinfection="",
            numbing_product=None,
            numbing_lot=None,
            numbing_minutes=None,
            soothing_product=None,
            reactions="",
            notes="changed",
            ended_at=None,
            by=paula,
        ),
        lambda: session_sign(session=signed, by=paula),
    ]
    refused = []
    for attempt in attempts:
        with pytest.raises(SessionRefused) as error:
            attempt()
        refused.append(str(error.value))
    assert refused == [SIGNED] * 5
    addendum = session_addendum_add(session=signed, text="Called: redness gone", by=paula)
    assert (signed.points.count(), list(signed.addenda.all())) == (10, [addendum])


def test_the_course_is_completed_at_its_last_signed_session(course, session, paula, products, lots):
    record(session, paula, products, lots)
    later = list(course.sessions.order_by("number"))[1:]
    for appointment in later[:-1]:
        with time_machine.travel(appointment.start, tick=False):
            appointment_set_status(appointment=appointment, status="noshow", by=paula)
    last = later[-1]
    with time_machine.travel(last.start, tick=False):
        record(started(last, paula), paula, products, lots)
    course.refresh_from_db()
    assert course.status == "completed"


def test_a_lot_recalled_while_charting_stops_the_signature(session, paula, products, lots):
    point_add(session=session, point=point(lots["ha"]), by=paula)
    lot_set_status(lot=lots["ha"], status="recalled", reason="Manufacturer's notice", by=paula)
    with pytest.raises(SessionRefused) as refused:
        session_sign(session=session, by=paula)
    session.refresh_from_db()
    assert str(refused.value) == LOT_BLOCKED.format(
        lot="HA-1", product=products["hyaluronic"], status="recalled"
    )
    assert (session.signed, Lot.objects.get(number="HA-1").quantity_left) == (False, 10)


def test_a_missed_session_has_no_record(course, paula, alice, harbour):
    consent_text(harbour, alice)
    consented(course)
    second = course.sessions.order_by("number")[1]
    with time_machine.travel(second.start, tick=False):
        appointment_set_status(appointment=second, status="noshow", by=paula)
    second.refresh_from_db()
    with pytest.raises(SessionRefused) as refused:
        started(second, paula)
    assert str(refused.value) == NOT_HELD.format(status="no-show")
