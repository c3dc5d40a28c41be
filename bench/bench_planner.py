"""The course planner in a busy clinic: how long a whole 6-session course takes to plan.

Run as `python bench/bench_planner.py`: it migrates a fresh SQLite database in a temporary folder
and builds a synthetic clinic — 20 practitioners and 8 rooms, open 08:00–20:00 Monday to Saturday,
and a year of existing appointments (practitioners up to 80% booked where the 8 rooms allow,
never double-booked) —
then times, for random patients and first dates over the year:

- planning a 6-session course (ref-000: 2–3 weeks apart), as the pages and `plan-course` do:
  the search fetching each day's appointments from the database when it first looks at the
  day; and the search alone, on the days already fetched;
- finding one free slot from the same first day, the baseline for the course, like with like:
  it fetches the same days the course fetched, then searches; and its search alone.

It prints the median and the 99th percentile of each, the days and appointments the course
fetched, and the ratio of course to single slot.
"""

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandbox import set_up_django

ROOT = Path(__file__).resolve().parents[1]
PRACTITIONERS = 20
ROOMS = 8
DAYS = 365
FIRST_DAY = dt.date(2027, 1, 4)
OPEN, CLOSE = dt.time(8), dt.time(20)
BOOKED_SHARE = 0.8
ROUNDS = 200


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        set_up_django(Path(folder))
        patients = synthetic_clinic()
        rng = random.Random(7)
        cases = [
            (rng.choice(patients), FIRST_DAY + dt.timedelta(days=rng.randrange(300)))
            for _ in range(ROUNDS)
        ]
        course_total, course_search = time_cases(cases, course_once)
        slot_total, slot_search = time_cases(cases, slot_once)
        fetched = statistics.median(len(days) for days in FETCHED.values())
        print(f"days the course's search fetched (median): {fetched:.0f}")
        report("6-session course, end to end", course_total)
        report("6-session course, CPU time", COURSE_CPU)
        report("6-session course, search only", course_search)
        report("one free slot, end to end", slot_total)
        report("one free slot, search only", slot_search)
        for what, course, slot in (
            ("end to end", course_total, slot_total),
            ("search only", course_search, slot_search),
        ):
            ratio = statistics.median(course) / statistics.median(slot)
            print(f"course / single slot (median, {what}): {ratio:.1f}×")


def synthetic_clinic() -> list[Any]:
    """Build the clinic, its people, hours and a year of appointments; return its patients."""
    from django.core.management import call_command

    from mesoclinic.accounts.models import Clinic, User
    from mesoclinic.clinics.models import OpeningHours, Practitioner, Room, WorkingHours
    from mesoclinic.patients.models import Patient

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Benchmark Clinic", timezone="Europe/London")
    rooms = [Room.objects.create(clinic=clinic, name=f"Room {n}") for n in range(1, ROOMS + 1)]
    practitioners = []
    for n in range(PRACTITIONERS):
        user = User.objects.create(username=f"practitioner{n}", clinic=clinic, role="practitioner")
        practitioners.append(
            Practitioner.objects.create(user=user, clinic=clinic, profession="nurse")
        )
    for day in range(6):
        OpeningHours.objects.create(clinic=clinic, weekday=day, starts=OPEN, ends=CLOSE)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=p, weekday=day, starts=OPEN, ends=CLOSE)
            for p in practitioners
        )
    patients = list(
        Patient.objects.bulk_create(
            Patient(clinic=clinic, given_name=f"Patient{n}", family_name="Bench")
            for n in range(2000)
        )
    )
    created = existing_appointments(clinic, practitioners, rooms, patients)
    print(
        f"{PRACTITIONERS} practitioners, {ROOMS} rooms, {created:,} appointments over {DAYS} days"
    )
    return patients


def existing_appointments(
    clinic: Any, practitioners: list[Any], rooms: list[Any], patients: list[Any]
) -> int:
    """Fill each practitioner's days to about 80% with 30–90 minute appointments, rooms allowing."""
    from mesoclinic.scheduling.models import Appointment

    rng = random.Random(2027)
    tz = clinic.tzinfo
    rows = []
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        if day.weekday() == 6:
            continue
        room_free_from = {room.pk: dt.datetime.combine(day, OPEN, tzinfo=tz) for room in rooms}
        for practitioner in practitioners:
            rows += practitioner_day(
                rng, clinic, practitioner, rooms, patients, day, room_free_from
            )
    Appointment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def practitioner_day(
    rng: random.Random,
    clinic: Any,
    practitioner: Any,
    rooms: list[Any],
    patients: list[Any],
    day: dt.date,
    room_free_from: dict[int, dt.datetime],
) -> list[Any]:
    """One practitioner's appointments on one day, each in a room free at the time."""
    from mesoclinic.scheduling.models import Appointment

    tz = clinic.tzinfo
    moment = dt.datetime.combine(day, OPEN, tzinfo=tz)
    close = dt.datetime.combine(day, CLOSE, tzinfo=tz)
    rows = []
    while True:
        length = dt.timedelta(minutes=rng.choice([30, 45, 60, 90]))
        if rng.random() > BOOKED_SHARE:
            moment += length
        if moment + length > close:
            return rows
        room = next((pk for pk, free in room_free_from.items() if free <= moment), None)
        if room is not None:
            room_free_from[room] = moment + length
            rows.append(
                Appointment(
                    clinic=clinic,
                    patient=rng.choice(patients),
                    practitioner=practitioner,
                    room_id=room,
                    start=moment,
                    end=moment + length,
                    kind="consultation",
                )
            )
        moment += length


def course_once(patient: Any, first: dt.date) -> tuple[float, float]:
    """Plan a 6-session course as the pages do, then time the search alone on the days fetched.

    Returns both in seconds, and remembers the days fetched for the single slot's baseline.
    """
    from mesoclinic.clinical.planner import default_first_days, earliest_course
    from mesoclinic.clinical.protocols import load_protocol
    from mesoclinic.scheduling.course_rules import gaps_from
    from mesoclinic.scheduling.proposals import propose_course
    from mesoclinic.scheduling.queries import availability_for

    protocol = load_protocol("ref-000")
    started, cpu = time.perf_counter(), time.process_time()
    plan = propose_course(patient, protocol, protocol.course(), first, sessions=6)
    total = time.perf_counter() - started
    COURSE_CPU.append(time.process_time() - cpu)
    assert plan.placement.complete, plan.placement.unplaced
    gaps = gaps_from(protocol.course(), 1, 6)
    days = default_first_days(first)
    last = days[1] + dt.timedelta(days=sum(g.max_days for g in gaps))
    availability = availability_for(patient.clinic, patient.pk, (first, last))
    earliest_course(availability, gaps, plan.placement.minutes, days)
    FETCHED[(patient.pk, first)] = sorted(availability.loaded)
    started = time.perf_counter()
    earliest_course(availability, gaps, plan.placement.minutes, days)
    return total, time.perf_counter() - started


# The CPU time of each whole course: SQLite works in this process, so it is the job's own time
# on one core, whatever else the machine runs.
COURSE_CPU: list[float] = []
# The days each course's search fetched, by (patient id, first day).
FETCHED: dict[tuple[int, dt.date], list[dt.date]] = {}


def slot_once(patient: Any, first: dt.date) -> tuple[float, float]:
    """One free 15-minute slot from `first`, fetching the days the course fetched; search alone."""
    from mesoclinic.clinical.planner import default_first_days, free_slot
    from mesoclinic.scheduling.queries import availability_for

    fetched = FETCHED[(patient.pk, first)]
    days = default_first_days(first)
    started = time.perf_counter()
    availability = availability_for(patient.clinic, patient.pk, (first, fetched[-1]))
    for day in fetched:
        availability.need(day)
    searching = time.perf_counter()
    assert free_slot(availability, 15, days) is not None
    ended = time.perf_counter()
    return ended - started, ended - searching


def time_cases(
    cases: list[tuple[Any, dt.date]], once: Callable[[Any, dt.date], tuple[float, float]]
) -> tuple[list[float], list[float]]:
    """End-to-end and search-only seconds for every case."""
    timings = [once(patient, first) for patient, first in cases]
    return [total for total, _ in timings], [search for _, search in timings]


def report(what: str, seconds: list[float]) -> None:
    median = statistics.median(seconds) * 1000
    p99 = statistics.quantiles(seconds, n=100)[98] * 1000
    print(f"{what:<32} median {median:8.2f} ms   p99 {p99:8.2f} ms   ({len(seconds)} runs)")


if __name__ == "__main__":
    main()
