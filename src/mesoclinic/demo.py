"""A demo installation: two clinics with staff, rooms, hours, products and patients, one
consultation with its plan and course, a lived-in calendar (`demo_calendar`) and its outcomes
(`demo_outcomes`). Safe to run twice."""

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.clinics.models import OpeningHours, Practitioner, Profession, Room, WorkingHours
from mesoclinic.demo_calendar import demo_calendar_load
from mesoclinic.demo_outcomes import demo_outcomes_load
from mesoclinic.inventory.demo import demo_catalogue_load
from mesoclinic.patients.demo import demo_history_load
from mesoclinic.patients.models import Patient, Sex
from mesoclinic.treatments.demo import demo_consultation_load

DEMO_PASSWORD = "demo-clinic-2026"
# Every demo staff account's authenticator app shares this published key (base32), so the demo
# signs in with the second step without a phone: `mesoclinic demo-code` prints the code.
DEMO_APP_KEY = "MESOCLINICDEMOAUTHENTICATORAPPKY"

WEEKDAYS = range(0, 5)
OPEN, CLOSE = dt.time(9), dt.time(18)
SATURDAY, SATURDAY_CLOSE = 5, dt.time(13)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    profession: str = ""
    birth_date: dt.date | None = None
    sex: str = Sex.UNKNOWN


class DemoClinic(TypedDict):
    timezone: str
    phone: str
    rooms: list[str]
    people: list[DemoPerson]


CLINICS: dict[str, DemoClinic] = {
    "Harbour Skin Clinic": {
        "timezone": "Europe/London",
        "phone": "+44 20 7946 0011",
        "rooms": ["Room 1", "Room 2", "Consultation room"],
        "people": [
            DemoPerson("admin", "Ada", "Hart", Role.ADMIN),
            DemoPerson("dr.morgan", "Elena", "Morgan", Role.PRACTITIONER, Profession.DOCTOR),
            DemoPerson("nurse.lee", "Sam", "Lee", Role.PRACTITIONER, Profession.NURSE),
            DemoPerson("reception", "Rosa", "Price", Role.RECEPTION),
            DemoPerson(
                "patient", "Grace", "Wilson", Role.PATIENT, "", dt.date(1986, 4, 12), Sex.FEMALE
            ),
            DemoPerson(
                "patient.james", "James", "Okafor", Role.PATIENT, "", dt.date(1979, 9, 3), Sex.MALE
            ),
            DemoPerson(
                "patient.mia", "Mia", "Novak", Role.PATIENT, "", dt.date(1995, 1, 27), Sex.FEMALE
            ),
        ],
    },
    "Riverside Aesthetics": {
        "timezone": "Europe/Paris",
        "phone": "+33 1 84 88 00 11",
        "rooms": ["Cabinet A", "Cabinet B"],
        "people": [
            DemoPerson("admin.riverside", "Claire", "Fontaine", Role.ADMIN),
            DemoPerson("dr.dubois", "Luc", "Dubois", Role.PRACTITIONER, Profession.DOCTOR),
            DemoPerson("reception.riverside", "Inès", "Martin", Role.RECEPTION),
            DemoPerson(
                "patient.riverside",
                "Chloé",
                "Bernard",
                Role.PATIENT,
                "",
                dt.date(1990, 6, 8),
                Sex.FEMALE,
            ),
        ],
    },
}


@transaction.atomic
def demo_load() -> None:
    """Create whatever part of the demo is missing; never changes what already exists."""
    for name, spec in CLINICS.items():
        clinic, _ = Clinic.objects.get_or_create(
            name=name, defaults={"timezone": spec["timezone"], "phone": spec["phone"]}
        )
        for room in spec["rooms"]:
            Room.objects.get_or_create(
                clinic=clinic, name=room, defaults={"for_sessions": "Consultation" not in room}
            )
        if not clinic.opening_hours.exists():
            _open_clinic(clinic)
        for person in spec["people"]:
            _demo_person(clinic, person)
        demo_catalogue_load(clinic)
    demo_history_load()
    demo_consultation_load()
    demo_calendar_load()
    demo_outcomes_load()


def _open_clinic(clinic: Clinic) -> None:
    rows = [OpeningHours(clinic=clinic, weekday=d, starts=OPEN, ends=CLOSE) for d in WEEKDAYS]
    rows.append(OpeningHours(clinic=clinic, weekday=SATURDAY, starts=OPEN, ends=SATURDAY_CLOSE))
    OpeningHours.objects.bulk_create(rows)


def _demo_person(clinic: Clinic, person: DemoPerson) -> None:
    user, created = User.objects.get_or_create(
        username=person.username,
        defaults={
            "clinic": clinic,
            "role": person.role,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": f"{person.username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if person.role != Role.PATIENT:
        TOTPDevice.objects.get_or_create(
            user=user,
            name="demo authenticator app",
            defaults={"key": base64.b32decode(DEMO_APP_KEY).hex(), "confirmed": True},
        )
    if person.role == Role.PRACTITIONER:
        _demo_practitioner(user, person)
    if person.role == Role.PATIENT:
        Patient.objects.get_or_create(
            user=user,
            defaults={
                "clinic": clinic,
                "given_name": person.first_name,
                "family_name": person.last_name,
                "birth_date": person.birth_date,
                "sex": person.sex,
                "email": user.email,
            },
        )


def _demo_practitioner(user: User, person: DemoPerson) -> None:
    practitioner, created = Practitioner.objects.get_or_create(
        user=user, defaults={"clinic": user.clinic, "profession": person.profession}
    )
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=d, starts=OPEN, ends=CLOSE)
            for d in WEEKDAYS
        )


def demo_code() -> str:
    """The code a demo staff account's authenticator app shows now."""
    totp = TOTP(base64.b32decode(DEMO_APP_KEY))
    return f"{totp.token():06d}"


def demo_summary() -> dict[str, Any]:
    """What the demo installation holds, as `mesoclinic demo --json` prints it."""
    demo_names = [p.username for spec in CLINICS.values() for p in spec["people"]]
    clinics = Clinic.objects.filter(name__in=CLINICS)
    users = User.objects.filter(username__in=demo_names).select_related("clinic")
    return {
        "clinics": [{"id": c.pk, "name": c.name} for c in clinics],
        "users": [
            {
                "id": u.pk,
                "username": u.username,
                "password": DEMO_PASSWORD,
                "role": u.role,
                "clinic": u.clinic_id,
            }
            for u in users.order_by("clinic_id", "role", "username")
        ],
        "rooms": [
            {"id": r.pk, "name": r.name, "clinic": r.clinic_id}
            for r in Room.objects.filter(clinic__in=clinics).order_by("clinic_id", "name")
        ],
        "practitioners": [
            {
                "id": p.pk,
                "username": p.user.username,
                "profession": p.profession,
                "clinic": p.clinic_id,
            }
            for p in Practitioner.objects.filter(clinic__in=clinics)
            .select_related("user")
            .order_by("pk")
        ],
        "patients": [
            {"id": p.pk, "name": p.full_name, "clinic": p.clinic_id}
            for p in Patient.objects.filter(clinic__in=clinics).order_by("pk")
        ],
    }
