"""Every address of the application tried by every kind of intruder, and for CSRF and GET safety.

A new address fails `test_every_address_is_in_the_sweep` until it is listed here with who may
open it, so no page, API call or feed is ever left without its intruder tests.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import URLResolver, get_resolver

from mesoclinic.accounts.models import ApiToken
from mesoclinic.accounts.tokens import api_token_create, token_digest
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.fhir.models import BulkExport
from mesoclinic.patients.domain import clinic_mapping_save
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.treatments.domain.photos import photo_add
from mesoclinic.treatments.domain.sessions import point_add
from mesoclinic.treatments.images import photo_store
from tests.followup.factories import SideEffectReportFactory
from tests.inventory.factories import LotFactory
from tests.patients.factories import ConditionFactory
from tests.scheduling.factories import (
    AppointmentFactory,
    book_course,
    closed_on,
    feed_token,
    open_clinic,
)
from tests.treatments.factories import (
    catalogue,
    consent_text,
    consented,
    point,
    recorded,
    signed_plan,
    started,
)
from tests.treatments.test_session_photos import jpeg_with_gps

REF_000 = load_protocol("ref-000")

# Who may open each address: anyone, any signed-in user, the patient, staff, clinical staff
# (admin and practitioner) or the clinic admin.
PUBLIC, SIGNED_IN, PATIENT, STAFF, CLINICAL, ADMIN = (
    "public",
    "signed in",
    "patient",
    "staff",
    "clinical",
    "admin",
)

# name: (method, who may, address given Harbour's records `h`)
ADDRESSES = {
    "home": ("get", PUBLIC, lambda h: "/"),
    "login": ("get", PUBLIC, lambda h: "/login/"),
    "logout": ("post", PUBLIC, lambda h: "/logout/"),
    "password_reset": ("get", PUBLIC, lambda h: "/password-reset/"),
    "password_reset_done": ("get", PUBLIC, lambda h: "/password-reset/sent/"),
    "password_reset_confirm": ("get", PUBLIC, lambda h: "/password-reset/x/y/"),
    "password_reset_complete": ("get", PUBLIC, lambda h: "/password-reset/done/"),
    "second-factor": ("get", STAFF, lambda h: "/two-factor/"),
    "second-factor-enrol": ("get", STAFF, lambda h: "/two-factor/set-up/"),
    "otp_webauthn:credential-registration-begin": (
        "post",
        STAFF,
        lambda h: "/two-factor/passkey/registration/begin/",
    ),
    "otp_webauthn:credential-registration-complete": (
        "post",
        STAFF,
        lambda h: "/two-factor/passkey/registration/complete/",
    ),
    "otp_webauthn:credential-authentication-begin": (
        "post",
        STAFF,
        lambda h: "/two-factor/passkey/authentication/begin/",
    ),
    "otp_webauthn:credential-authentication-complete": (
        "post",
        STAFF,
        lambda h: "/two-factor/passkey/authentication/complete/",
    ),
    "otp_webauthn:js-i18n-catalog": ("get", PUBLIC, lambda h: "/two-factor/passkey/jsi18n/"),
    "accounts:security": ("get", STAFF, lambda h: "/accounts/security/"),
    "accounts:recovery-codes": ("post", STAFF, lambda h: "/accounts/security/recovery-codes/"),
    "accounts:token-revoke": ("post", STAFF, lambda h: f"/accounts/tokens/{h['token'].pk}/revoke/"),
    "accounts:clinic-settings": ("get", ADMIN, lambda h: "/accounts/clinic/"),
    "accounts:emails": ("get", ADMIN, lambda h: "/accounts/emails/"),
    "accounts:second-factor-reset": (
        "post",
        ADMIN,
        lambda h: f"/accounts/staff/{h['rita'].pk}/reset-second-factor/",
    ),
    "accounts:staff": ("get", ADMIN, lambda h: "/accounts/staff/"),
    "accounts:staff-new": ("get", ADMIN, lambda h: "/accounts/staff/new/"),
    "accounts:staff-edit": ("get", ADMIN, lambda h: f"/accounts/staff/{h['rita'].pk}/"),
    "clinics:rooms": ("get", ADMIN, lambda h: "/clinic/rooms/"),
    "clinics:room-new": ("get", ADMIN, lambda h: "/clinic/rooms/new/"),
    "clinics:room-edit": ("get", ADMIN, lambda h: f"/clinic/rooms/{h['room'].pk}/"),
    "clinics:practitioners": ("get", ADMIN, lambda h: "/clinic/practitioners/"),
    "clinics:practitioner-new": ("get", ADMIN, lambda h: "/clinic/practitioners/new/"),
    "clinics:practitioner-edit": (
        "get",
        ADMIN,
        lambda h: f"/clinic/practitioners/{h['practitioner'].pk}/",
    ),
    "clinics:opening-hours": ("get", ADMIN, lambda h: "/clinic/opening-hours/"),
    "clinics:closures": ("get", ADMIN, lambda h: "/clinic/closures/"),
    "clinics:closure-delete": (
        "post",
        ADMIN,
        lambda h: f"/clinic/closures/{h['closure'].pk}/delete/",
    ),
    "scheduling:calendar": ("get", STAFF, lambda h: "/clinic/calendar/"),
    "scheduling:feed-rotate": ("post", STAFF, lambda h: "/clinic/calendar/feed/"),
    "scheduling:feed": ("get", PUBLIC, lambda h: h["feed"]),
    "scheduling:closure": (
        "get",
        STAFF,
        lambda h: f"/clinic/closures/{h['closure'].pk}/appointments/",
    ),
    "scheduling:plan-course": (
        "get",
        STAFF,
        lambda h: f"/clinic/patients/{h['pat'].pk}/plan-course/",
    ),
    "scheduling:course": ("get", STAFF, lambda h: f"/clinic/courses/{h['course'].pk}/"),
    "scheduling:course-ical": (
        "get",
        SIGNED_IN,
        lambda h: f"/clinic/courses/{h['course'].pk}/calendar.ics",
    ),
    "scheduling:course-cancel": (
        "post",
        STAFF,
        lambda h: f"/clinic/courses/{h['course'].pk}/cancel/",
    ),
    "scheduling:session-move": (
        "post",
        STAFF,
        lambda h: f"/clinic/courses/{h['course'].pk}/sessions/3/move/",
    ),
    "scheduling:book-consultation": (
        "get",
        STAFF,
        lambda h: f"/clinic/patients/{h['pat'].pk}/book-consultation/",
    ),
    "scheduling:appointment": (
        "get",
        STAFF,
        lambda h: f"/clinic/appointments/{h['appointment'].pk}/",
    ),
    "scheduling:appointment-status": (
        "post",
        STAFF,
        lambda h: f"/clinic/appointments/{h['appointment'].pk}/status/",
    ),
    "scheduling:appointment-ical": (
        "get",
        SIGNED_IN,
        lambda h: f"/clinic/appointments/{h['appointment'].pk}/calendar.ics",
    ),
    "inventory:products": ("get", CLINICAL, lambda h: "/clinic/products/"),
    "inventory:product-new": ("get", ADMIN, lambda h: "/clinic/products/new/"),
    "inventory:product-edit": ("get", ADMIN, lambda h: f"/clinic/products/{h['product'].pk}/"),
    "inventory:lot-receive": (
        "get",
        ADMIN,
        lambda h: f"/clinic/products/{h['product'].pk}/receive/",
    ),
    "inventory:lots": ("get", CLINICAL, lambda h: "/clinic/lots/"),
    "inventory:lot-status": ("post", ADMIN, lambda h: f"/clinic/lots/{h['lot'].pk}/status/"),
    "treatments:appointment-consultation": (
        "get",
        STAFF,
        lambda h: f"/clinic/appointments/{h['appointment'].pk}/consultation/",
    ),
    "treatments:chart-consultation": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/patients/{h['pat'].pk}/consultations/new/",
    ),
    "treatments:consultation": (
        "get",
        STAFF,
        lambda h: f"/clinic/consultations/{h['consultation'].pk}/",
    ),
    "treatments:plan": ("get", CLINICAL, lambda h: f"/clinic/consultations/{h['draft'].pk}/plan/"),
    "treatments:consultation-sign": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/consultations/{h['draft'].pk}/sign/",
    ),
    "treatments:addendum-add": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/consultations/{h['consultation'].pk}/addenda/",
    ),
    "treatments:plan-book": ("get", STAFF, lambda h: f"/clinic/plans/{h['plan'].pk}/book/"),
    "treatments:consent-texts": ("get", ADMIN, lambda h: "/clinic/consent-texts/"),
    "treatments:photo-upload": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/photos/",
    ),
    "treatments:photo": ("get", SIGNED_IN, lambda h: f"/clinic/photos/{h['photo'].pk}/"),
    "treatments:photo-thumbnail": (
        "get",
        SIGNED_IN,
        lambda h: f"/clinic/photos/{h['photo'].pk}/thumbnail/",
    ),
    "treatments:lot-recall": ("get", CLINICAL, lambda h: f"/clinic/lots/{h['lot'].pk}/recall/"),
    "treatments:consent-tablet": (
        "get",
        STAFF,
        lambda h: f"/clinic/courses/{h['course'].pk}/consent/",
    ),
    "treatments:consent": ("get", STAFF, lambda h: f"/clinic/consents/{h['consent'].pk}/"),
    "treatments:consent-pdf": (
        "get",
        STAFF,
        lambda h: f"/clinic/consents/{h['consent'].pk}/pdf/",
    ),
    "treatments:session-pdf": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/pdf/",
    ),
    "treatments:session-start": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/appointments/{h['next_session'].pk}/session/",
    ),
    "treatments:session": ("get", CLINICAL, lambda h: f"/clinic/sessions/{h['session'].pk}/"),
    "treatments:point-add": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/points/",
    ),
    "treatments:point-change": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/points/{h['point'].pk}/",
    ),
    "treatments:session-sign": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/sign/",
    ),
    "treatments:session-addendum": (
        "post",
        CLINICAL,
        lambda h: f"/clinic/sessions/{h['session'].pk}/addenda/",
    ),
    "audit:events": ("get", ADMIN, lambda h: "/audit/"),
    "patients:search": ("get", STAFF, lambda h: "/patients/"),
    "patients:new": ("get", STAFF, lambda h: "/patients/new/"),
    "patients:codes": ("get", CLINICAL, lambda h: "/patients/codes/medication/"),
    "patients:mappings": ("get", CLINICAL, lambda h: "/patients/mappings/"),
    "patients:unrecognised": ("get", CLINICAL, lambda h: "/patients/mappings/unrecognised/"),
    "patients:mapping-new": ("post", CLINICAL, lambda h: "/patients/mappings/new/"),
    "patients:mapping-revoke": (
        "post",
        CLINICAL,
        lambda h: f"/patients/mappings/{h['mapping'].pk}/revoke/",
    ),
    "chart": ("get", STAFF, lambda h: f"/patients/{h['pat'].pk}/"),
    "patients:edit": ("get", STAFF, lambda h: f"/patients/{h['pat'].pk}/edit/"),
    "patients:intake-link": ("post", STAFF, lambda h: f"/patients/{h['pat'].pk}/intake-link/"),
    "patients:history-new": (
        "get",
        CLINICAL,
        lambda h: f"/patients/{h['pat'].pk}/condition/new/",
    ),
    "patients:history-edit": (
        "get",
        CLINICAL,
        lambda h: f"/patients/{h['pat'].pk}/condition/{h['entry'].pk}/",
    ),
    "patients:history-confirm": (
        "post",
        CLINICAL,
        lambda h: f"/patients/{h['pat'].pk}/condition/{h['entry'].pk}/confirm/",
    ),
    "portal:intake": ("get", PATIENT, lambda h: "/portal/intake/"),
    "portal:intake-link": ("get", PUBLIC, lambda h: "/portal/intake/unknown-token/"),
    "portal:consent": ("get", PATIENT, lambda h: f"/portal/courses/{h['course'].pk}/consent/"),
    "portal:sessions": ("get", PATIENT, lambda h: "/portal/sessions/"),
    "portal:preparation-pdf": (
        "get",
        PATIENT,
        lambda h: f"/portal/sessions/{h['booked_session'].pk}/preparation.pdf",
    ),
    "portal:aftercare": ("get", PATIENT, lambda h: "/portal/aftercare/"),
    "portal:side-effect-new": ("get", PATIENT, lambda h: "/portal/side-effects/new/"),
    "portal:reminders": ("get", PATIENT, lambda h: "/portal/reminders/"),
    "portal:side-effect": (
        "get",
        PATIENT,
        lambda h: f"/portal/side-effects/{h['report'].pk}/",
    ),
    "followup:inbox": ("get", CLINICAL, lambda h: "/clinic/follow-up/"),
    "followup:report": ("get", CLINICAL, lambda h: f"/clinic/follow-up/{h['report'].pk}/"),
    "followup:report-photo": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/follow-up/{h['report'].pk}/photo.jpg",
    ),
    "followup:report-by-phone": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/patients/{h['pat'].pk}/side-effects/new/",
    ),
    "portal:aftercare-pdf": (
        "get",
        PATIENT,
        lambda h: f"/portal/sessions/{h['booked_session'].pk}/aftercare.pdf",
    ),
    "portal:aftercare-ical": (
        "get",
        PATIENT,
        lambda h: f"/portal/sessions/{h['booked_session'].pk}/aftercare.ics",
    ),
    "outcomes:course-score": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/courses/{h['course'].pk}/score/",
    ),
    "outcomes:recalls": ("get", STAFF, lambda h: "/clinic/recalls/"),
    "outcomes:before-after": (
        "get",
        CLINICAL,
        lambda h: f"/clinic/patients/{h['pat'].pk}/before-after/",
    ),
    "outcomes-portal:before-after": ("get", PATIENT, lambda h: "/portal/before-after/"),
    "outcomes:reports": ("get", CLINICAL, lambda h: "/clinic/reports/"),
    "outcomes:report": ("get", CLINICAL, lambda h: "/clinic/reports/courses/"),
    "outcomes:report-csv": ("get", CLINICAL, lambda h: "/clinic/reports/gais.csv"),
    "outcomes:report-patients": (
        "get",
        CLINICAL,
        lambda h: "/clinic/reports/side-effects/patients/",
    ),
    "outcomes-portal:outcomes": ("get", PATIENT, lambda h: "/portal/outcomes/"),
    "outcomes-portal:course-score": (
        "post",
        PATIENT,
        lambda h: f"/portal/courses/{h['course'].pk}/score/",
    ),
    "fhir:read": ("get", SIGNED_IN, lambda h: "/fhir/r4/Patient/pat-1"),
    "fhir:search": ("get", SIGNED_IN, lambda h: "/fhir/r4/Condition?patient=pat-1"),
    "fhir:metadata": ("get", PUBLIC, lambda h: "/fhir/r4/metadata"),
    "fhir:unknown": ("get", PUBLIC, lambda h: "/fhir/r4/Patient/pat-1/_history"),
    "fhir:export": ("get", ADMIN, lambda h: "/fhir/r4/$export"),
    "fhir:patient-export": ("get", ADMIN, lambda h: "/fhir/r4/Patient/$export"),
    "fhir:export-status": ("get", ADMIN, lambda h: f"/fhir/r4/$export-status/{h['export'].pk}"),
    "fhir:export-file": (
        "get",
        ADMIN,
        lambda h: f"/fhir/r4/$export-file/{h['export'].pk}/Patient.ndjson",
    ),
    "api:openapi-json": ("get", PUBLIC, lambda h: "/api/v1/openapi.json"),
    "api:openapi-view": ("get", PUBLIC, lambda h: "/api/v1/docs"),
    "api:api-root": ("get", PUBLIC, lambda h: "/api/v1/"),
    "api:patient_search": ("get", STAFF, lambda h: "/api/v1/patients/"),
    "api:patient_screening": (
        "get",
        CLINICAL,
        lambda h: f"/api/v1/patients/{h['pat'].pk}/screening",
    ),
    "api:import_resources": ("post", CLINICAL, lambda h: "/api/v1/fhir/import"),
    "api:plan": ("post", STAFF, lambda h: "/api/v1/scheduling/courses/plan"),
    "api:book": ("post", STAFF, lambda h: "/api/v1/scheduling/courses/book"),
    "api:product_list": ("get", CLINICAL, lambda h: "/api/v1/inventory/products"),
    "api:product_add": ("post", ADMIN, lambda h: "/api/v1/inventory/products"),
    "api:lot_list": ("get", CLINICAL, lambda h: "/api/v1/inventory/lots"),
    "api:lot_add": (
        "post",
        ADMIN,
        lambda h: f"/api/v1/inventory/products/{h['product'].pk}/lots",
    ),
    "api:lot_status": ("post", ADMIN, lambda h: f"/api/v1/inventory/lots/{h['lot'].pk}/status"),
    "api:consultation_read": (
        "get",
        CLINICAL,
        lambda h: f"/api/v1/treatments/consultations/{h['consultation'].pk}",
    ),
    "api:plan_course": (
        "post",
        STAFF,
        lambda h: f"/api/v1/treatments/plans/{h['plan'].pk}/plan-course",
    ),
    "api:plan_book": ("post", STAFF, lambda h: f"/api/v1/treatments/plans/{h['plan'].pk}/book"),
    "api:session_read": (
        "get",
        CLINICAL,
        lambda h: f"/api/v1/treatments/sessions/{h['session'].pk}",
    ),
    "api:session_point_add": (
        "post",
        CLINICAL,
        lambda h: f"/api/v1/treatments/sessions/{h['session'].pk}/points",
    ),
    "api:session_sign_route": (
        "post",
        CLINICAL,
        lambda h: f"/api/v1/treatments/sessions/{h['session'].pk}/sign",
    ),
    "api:lot_recall_list": (
        "get",
        CLINICAL,
        lambda h: f"/api/v1/treatments/lots/{h['lot'].pk}/recipients",
    ),
    "api:consent_read": (
        "get",
        STAFF,
        lambda h: f"/api/v1/treatments/consents/{h['consent'].pk}",
    ),
    "api:session_photo_list": (
        "get",
        SIGNED_IN,
        lambda h: f"/api/v1/treatments/sessions/{h['session'].pk}/photos",
    ),
    "api:photo_read": (
        "get",
        SIGNED_IN,
        lambda h: f"/api/v1/treatments/photos/{h['photo'].pk}",
    ),
    "api:photo_thumbnail_read": (
        "get",
        SIGNED_IN,
        lambda h: f"/api/v1/treatments/photos/{h['photo'].pk}/thumbnail",
    ),
}
# The JSON bodies the API's changes read (else they answer 422 before any permission check).
BODIES = {
    "api:plan": lambda h: {
        "patient": str(h["pat"].pk),
        "template": "ref-000",
        "from": "2026-12-07",
    },
    "api:book": lambda h: {
        "patient": str(h["pat"].pk),
        "template": "ref-000",
        "from": "2026-12-07",
    },
    "api:product_add": lambda h: {
        "name": "Intruder's cocktail",
        "form": "injectable",
        "ingredients": ["glycine"],
    },
    "api:lot_add": lambda h: {"number": "X-1", "expires": "2027-01-31", "quantity": 1},
    "api:lot_status": lambda h: {"status": "recalled", "reason": "Intruder"},
    "api:plan_course": lambda h: {"from": "2026-12-07"},
    "api:plan_book": lambda h: {"from": "2026-12-07"},
    "api:session_point_add": lambda h: {
        "map": "face-front",
        "area": "face",
        "x": "0.5",
        "y": "0.5",
        "lot": h["lot"].pk,
        "depth_mm": "1",
        "volume_ml": "0.1",
        "technique": "papules",
    },
}
GUARDED = {name for name, (_, who, _) in ADDRESSES.items() if who != PUBLIC}
# Addresses that answer an intruder in JSON (401/403/404) instead of a login page.
MACHINE = {name for name in ADDRESSES if name.startswith(("api:", "fhir:", "otp_webauthn:"))}
# Pages a signed-in user whose second factor is checked has no more use for: they move on.
DONE_ALREADY = {"second-factor", "second-factor-enrol"}
# What a role below the one needed gets: 403 from the pages and the JSON API; the FHIR API
# answers with an OperationOutcome carrying the same status.
TOO_LOW = {
    PATIENT: ("rita", "paula", "alice"),
    STAFF: ("pat",),
    CLINICAL: ("rita", "pat"),
    ADMIN: ("rita", "paula", "pat"),
}
# Addresses that name one of Harbour's records, which another clinic's admin must not find.
HARBOURS_RECORDS = {
    name for name, (_, who, address) in ADDRESSES.items() if who in (STAFF, CLINICAL, ADMIN)
} - {
    "second-factor",
    "second-factor-enrol",
    "accounts:security",
    "accounts:recovery-codes",
    "accounts:clinic-settings",
    "accounts:emails",
    "scheduling:feed-rotate",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "accounts:staff",
    "accounts:staff-new",
    "clinics:rooms",
    "clinics:room-new",
    "clinics:practitioners",
    "clinics:practitioner-new",
    "clinics:opening-hours",
    "clinics:closures",
    "scheduling:calendar",
    "audit:events",
    "patients:search",
    "patients:new",
    "patients:codes",
    "patients:mappings",
    "patients:unrecognised",
    "patients:mapping-new",
    "api:patient_search",
    "api:import_resources",
    "inventory:products",
    "inventory:product-new",
    "inventory:lots",
    "followup:inbox",
    "outcomes:recalls",
    "outcomes:reports",
    "outcomes:report",
    "outcomes:report-csv",
    "outcomes:report-patients",
    "api:product_list",
    "api:product_add",
    "api:lot_list",
    "treatments:consent-texts",
    "fhir:export",
    "fhir:patient-export",
}


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def h(harbour, alice, paula, rita, pat, settings, tmp_path):
    """Harbour's records that the addresses name."""
    settings.MEDIA_ROOT = tmp_path
    rooms = open_clinic(harbour, [paula.practitioner])
    pat.fhir_id = "pat-1"
    pat.save()
    plan = propose_course(pat, REF_000, REF_000.course(), dt.date(2026, 11, 30))
    start = dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC)
    products = catalogue(harbour)
    treatment_plan = signed_plan(pat, paula, [products["hyaluronic"]])
    course = book_course(proposal=plan, by=paula)
    consent_text(harbour, alice)
    first, second = course.sessions.order_by("number")[:2]
    lot = LotFactory(product=products["hyaluronic"])
    consent = consented(course)
    session = started(first, paula)
    kept = photo_store(clinic_id=harbour.pk, patient_id=pat.pk, content=jpeg_with_gps())
    report = SideEffectReportFactory(
        patient=pat, session=first, photo=kept.image, photo_thumbnail=kept.thumbnail
    )
    return {
        "report": report,
        "booked_session": first,
        "product": products["hyaluronic"],
        "lot": lot,
        "consent": consent,
        "session": session,
        "next_session": second,
        "point": point_add(session=session, point=point(lot), by=paula),
        "photo": photo_add(
            session=session, view="front", moment="before", content=jpeg_with_gps(), by=paula
        ),
        "plan": treatment_plan,
        "consultation": treatment_plan.consultation,
        "draft": recorded(pat, paula),
        "pat": pat,
        "rita": rita,
        "room": rooms[0],
        "practitioner": paula.practitioner,
        "closure": closed_on(harbour, dt.date(2026, 12, 25)),
        "entry": ConditionFactory(patient=pat, entered_by="patient"),
        "course": course,
        "appointment": AppointmentFactory(
            patient=pat, practitioner=paula.practitioner, room=rooms[1], start=start
        ),
        "feed": f"/clinic/feeds/{paula.practitioner.pk}/{feed_token(paula.practitioner)}.ics",
        "alice": alice,
        "paula": paula,
        "token": ApiToken.objects.get(digest=token_digest(api_token_create(paula))),
        "export": BulkExport.objects.create(
            clinic=harbour, requested_by=alice, request="/fhir/r4/$export", status="done"
        ),
        "mapping": clinic_mapping_save(
            clinic=harbour,
            system="http://snomed.info/sct",
            code="84757009",
            phrase="",
            display="Epilepsy (disorder)",
            target="not-relevant",
            note="",
            by=paula,
        ),
    }


def send(client, name, h):
    """Ask for address `name` as its method and a body naming Pat, where one is needed."""
    method, _, address = ADDRESSES[name]
    url = address(h)
    if name in BODIES:
        return client.post(url, json.dumps(BODIES[name](h)), content_type="application/json")
    return getattr(client, method)(url)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from names(pattern.url_patterns, inner)
        else:
            yield namespace + pattern.name


def test_every_address_is_in_the_sweep():
    assert sorted(names(get_resolver().url_patterns)) == sorted(ADDRESSES)


def test_anonymous_visitors_are_sent_to_login_or_refused(client, h):
    answers = {name: send(client, name, h) for name in sorted(GUARDED)}
    assert {
        name: r.status_code if name in MACHINE else (r.status_code, r.get("Location"))
        for name, r in answers.items()
    } == {
        name: 401 if name in MACHINE else (302, f"/login/?next={ADDRESSES[name][2](h)}")
        for name in answers
    }


@pytest.mark.parametrize("who", ["pat", "rita", "paula", "alice"])
def test_a_role_below_the_one_needed_is_refused(who, h):
    user = h["pat"].user if who == "pat" else h[who]
    client = signed_in(user)
    refused = sorted(
        name for name, (_, needed, _) in ADDRESSES.items() if who in TOO_LOW.get(needed, ())
    )
    assert {name: send(client, name, h).status_code for name in refused} == {
        name: 403 for name in refused
    }


# The least powerful user each kind of address lets in.
LEAST_POWERFUL = {PATIENT: "pat", STAFF: "rita", CLINICAL: "paula", ADMIN: "alice"}


def test_the_role_needed_opens_every_page(h):
    """The refusals above are not a broken page: the least powerful role allowed gets in."""
    pages = sorted(
        name
        for name, (method, who, _) in ADDRESSES.items()
        if method == "get" and who in LEAST_POWERFUL and name not in MACHINE
    )
    answers = {}
    for name in pages:
        who = LEAST_POWERFUL[ADDRESSES[name][1]]
        answers[name] = send(signed_in(h["pat"].user if who == "pat" else h[who]), name, h)
    assert {name: r.status_code for name, r in answers.items()} == {
        name: 302 if name in DONE_ALREADY else 200 for name in pages
    }


def test_another_clinics_admin_finds_none_of_harbours_records(charlie, h):
    client = signed_in(charlie)
    assert {name: send(client, name, h).status_code for name in sorted(HARBOURS_RECORDS)} == {
        name: 404 for name in HARBOURS_RECORDS
    }


def test_another_patient_finds_none_of_pats_records(peter, h):
    client = signed_in(peter.user)
    mine_only = [
        "scheduling:course-ical",
        "scheduling:appointment-ical",
        "fhir:read",
        "portal:consent",
        "treatments:photo",
        "treatments:photo-thumbnail",
        "api:session_photo_list",
        "api:photo_read",
        "api:photo_thumbnail_read",
        "portal:preparation-pdf",
        "portal:aftercare-pdf",
        "portal:aftercare-ical",
        "portal:side-effect",
    ]
    assert {name: send(client, name, h).status_code for name in mine_only} == {
        name: 404 for name in mine_only
    }


def test_every_change_needs_the_csrf_token(h):
    changes = sorted(
        name for name, (method, who, _) in ADDRESSES.items() if method == "post" and who != PUBLIC
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(h["alice"])
    assert {name: send(client, name, h).status_code for name in changes} == {
        name: 403 for name in changes
    }


def test_nothing_changes_on_a_get(h):
    posts = sorted(
        name
        for name, (method, who, _) in ADDRESSES.items()
        if method == "post" and name not in MACHINE
    )
    client = signed_in(h["alice"])
    assert {name: client.get(ADDRESSES[name][2](h)).status_code for name in posts} == {
        name: 405 for name in posts
    }
