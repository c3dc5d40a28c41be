"""Lot recall on 100,000 sessions, and the session page's render with 60 charted points.

Run as `python bench/bench_recall.py`: it migrates a fresh SQLite database in a temporary folder
and builds a synthetic clinic — 20,000 patients, each with a five-session course and its consent,
100,000 session records with three injection points each (300,000 points) from 100 lots of four
products — then times:

- "who received lot X" (`lot_recipients` and the JSON the command and the API print) for 50 random
  lots, each used by about 3,000 sessions;
- one session page (the view, its queries and its template) with 60 points on the face maps.

It prints the median and the slowest of each; the issue asks for the recall under a second.
"""

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox import set_up_django

PATIENTS = 20_000
SESSIONS_PER_COURSE = 5
POINTS_PER_SESSION = 3
LOTS = 100
ROUNDS = 50
FIRST_DAY = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def main() -> None:
    # A folder given on the command line keeps the database, so a second run skips building it.
    if len(sys.argv) > 1:
        run(Path(sys.argv[1]))
        return
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder))


def run(folder: Path) -> None:
    built = (folder / "bench.sqlite3").exists()
    set_up_django(folder)
    started = time.perf_counter()
    practitioner, lots = existing_clinic() if built else synthetic_clinic()
    print(f"ready in {time.perf_counter() - started:.0f} s")
    rng = random.Random(11)
    recall = [time_recall(lot) for lot in rng.sample(lots, ROUNDS)]
    report("lot recall (who received lot X), 100,000 sessions", recall)
    page = [time_page(practitioner, lots) for _ in range(10)]
    report("session page with 60 points", page)


def existing_clinic() -> tuple[Any, list[Any]]:
    from mesoclinic.clinics.models import Practitioner
    from mesoclinic.inventory.models import Lot

    practitioner = Practitioner.objects.select_related("user").get()
    return practitioner, list(Lot.objects.order_by("pk"))


def synthetic_clinic() -> tuple[Any, list[Any]]:
    """The clinic, its practitioner and lots, 20,000 courses and 100,000 charted sessions."""
    from django.core.management import call_command

    from mesoclinic.accounts.models import Clinic, User
    from mesoclinic.clinics.models import Practitioner, Room
    from mesoclinic.inventory.models import Lot, Product
    from mesoclinic.patients.models import Patient

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Benchmark Clinic", timezone="Europe/London")
    room = Room.objects.create(clinic=clinic, name="Room 1")
    user = User.objects.create(username="practitioner", clinic=clinic, role="practitioner")
    practitioner = Practitioner.objects.create(user=user, clinic=clinic, profession="nurse")
    products = [
        Product.objects.create(clinic=clinic, name=f"Cocktail {n}", form="injectable")
        for n in range(4)
    ]
    lots = Lot.objects.bulk_create(
        Lot(
            clinic=clinic,
            product=products[n % 4],
            number=f"LOT-{n:04d}",
            expires=dt.date(2030, 1, 1),
            quantity_received=100_000,
            quantity_left=100_000,
            received_on=dt.date(2026, 1, 1),
        )
        for n in range(LOTS)
    )
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, given_name=f"Patient{n}", family_name="Bench", phone="0")
        for n in range(PATIENTS)
    )
    charted(clinic, practitioner, room, patients, lots)
    return practitioner, lots


def charted(
    clinic: Any, practitioner: Any, room: Any, patients: list[Any], lots: list[Any]
) -> None:
    """A course, a consent and five signed, charted sessions for every patient."""
    from mesoclinic.scheduling.models import Appointment, Course
    from mesoclinic.treatments.models import ChartPoint, Consent, ConsentTemplate, TreatmentSession

    rng = random.Random(5)
    template = ConsentTemplate.objects.create(
        clinic=clinic,
        treatment="ref-000",
        version=1,
        title="Consent",
        text="I agree.",
        written_at=FIRST_DAY,
    )
    courses = Course.objects.bulk_create(
        (
            Course(
                clinic=clinic,
                patient=p,
                protocol_id="ref-000",
                protocol_version="1",
                template_id="course",
                verdict="eligible",
            )
            for p in patients
        ),
        batch_size=5000,
    )
    consents = Consent.objects.bulk_create(
        (
            Consent(
                clinic=clinic,
                patient_id=c.patient_id,
                course=c,
                template=template,
                title="Consent",
                text="I agree.",
                photos_allowed=True,
                typed_name="Bench",
                agreed=True,
                signed_via="portal",
                signed_at=FIRST_DAY,
            )
            for c in courses
        ),
        batch_size=5000,
    )
    appointments = []
    for n, course in enumerate(courses):
        for number in range(1, SESSIONS_PER_COURSE + 1):
            start = FIRST_DAY + dt.timedelta(days=(n + 21 * number) % 600, minutes=n % 480)
            appointments.append(
                Appointment(
                    clinic=clinic,
                    patient_id=course.patient_id,
                    practitioner=practitioner,
                    room=room,
                    start=start,
                    end=start + dt.timedelta(minutes=30),
                    kind="session",
                    status="fulfilled",
                    course=course,
                    number=number,
                )
            )
    appointments = Appointment.objects.bulk_create(appointments, batch_size=5000)
    sessions = TreatmentSession.objects.bulk_create(
        (
            TreatmentSession(
                clinic=clinic,
                patient_id=a.patient_id,
                appointment=a,
                practitioner=practitioner,
                consent=consents[i // SESSIONS_PER_COURSE],
                started_at=a.start,
                screening_verdict="eligible",
                signed_at=a.end,
            )
            for i, a in enumerate(appointments)
        ),
        batch_size=5000,
    )
    ChartPoint.objects.bulk_create(
        (
            ChartPoint(
                session=s,
                map="face-front",
                area="face",
                x=Decimal("0.5"),
                y=Decimal("0.5"),
                lot=rng.choice(lots),
                depth_mm=Decimal("1"),
                volume_ml=Decimal("0.1"),
                technique="papules",
            )
            for s in sessions
            for _ in range(POINTS_PER_SESSION)
        ),
        batch_size=10000,
    )
    print(
        f"{len(patients):,} patients, {len(sessions):,} sessions, "
        f"{len(sessions) * POINTS_PER_SESSION:,} points, {len(lots)} lots"
    )


def time_recall(lot: Any) -> float:
    from mesoclinic.treatments.queries import lot_recipients, recall_json

    started = time.perf_counter()
    recall_json([lot], lot_recipients([lot.pk]))
    return time.perf_counter() - started


def time_page(practitioner: Any, lots: list[Any]) -> float:
    """Render a draft session's page with 60 points, as its practitioner opens it."""
    from django.test import RequestFactory

    from mesoclinic.treatments.models import ChartPoint, TreatmentSession
    from mesoclinic.treatments.views.sessions import session_detail

    session = TreatmentSession.objects.filter(points__isnull=False).first()
    TreatmentSession.objects.filter(pk=session.pk).update(signed_at=None)
    ChartPoint.objects.filter(session=session).delete()
    maps = ["face-front", "face-left", "face-right"]
    ChartPoint.objects.bulk_create(
        ChartPoint(
            session=session,
            map=maps[n % 3],
            area="face",
            x=Decimal(n % 10) / 10,
            y=Decimal(n // 10) / 10,
            lot=lots[n % 4],
            depth_mm=Decimal("1"),
            volume_ml=Decimal("0.05"),
            technique="papules",
        )
        for n in range(60)
    )
    request = RequestFactory().get(f"/clinic/sessions/{session.pk}/")
    request.user = practitioner.user
    started = time.perf_counter()
    response = session_detail(request, session.pk)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert response.content.count(b'class="dot"') == 60
    return elapsed


def report(what: str, seconds: list[float]) -> None:
    print(
        f"{what}: median {statistics.median(seconds) * 1000:.0f} ms, "
        f"slowest {max(seconds) * 1000:.0f} ms over {len(seconds)} runs"
    )


if __name__ == "__main__":
    main()
