"""Patient search on 100,000 patients: median time per search, by name, birth date and phone.

Run as `python bench/bench_patient_search.py`: it migrates a fresh SQLite database in a temporary
folder, creates 100,000 patients in one clinic (plus 10,000 in another, which must never show),
then times the search the staff page runs: the first page of 25 (nothing counts the matches),
with no query too (the whole clinic in name order), and the next page after it.
"""

import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox import set_up_django

ROOT = Path(__file__).resolve().parents[1]
PATIENTS = 100_000
OTHER_CLINIC = 10_000
ROUNDS = 50
PAGE = 25
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Okafor",
    "Novak",
    "Nguyen",
    "O'Brien",
    "Müller",
    "García",
    "Kowalski",
    "Lee",
]
GIVEN = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Zoë",
    "Chloé",
    "James",
    "Aisha",
    "Mohammed",
    "Sofia",
    "Luca",
]
QUERIES = {
    "no query (the list)": [""],
    "family name prefix": ["wil", "smi", "nov", "obr", "kow", "garc"],
    "given and family": ["grace wil", "leo sm", "zoe mu"],
    "birth date": ["1986-04-12", "12/04/1986", "1990-06-08"],
    "phone prefix": ["07700 90", "+44 7700 9001", "0770090012"],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        set_up_django(Path(folder))
        user = fresh_database()
        created = create_patients(user.clinic)
        print(f"created {created:,} patients")
        for kind, queries in QUERIES.items():
            report(kind, [time_search(user, q) for _ in range(ROUNDS) for q in queries])
        report("the list, page 2", [time_search(user, "", 2) for _ in range(ROUNDS)])


def fresh_database() -> Any:
    """Migrate the empty database; one clinic with a receptionist who searches."""
    from django.core.management import call_command

    from mesoclinic.accounts.models import Clinic, User

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Benchmark Clinic")
    return User.objects.create(username="reception", clinic=clinic, role="reception")


def create_patients(clinic: Any) -> int:
    """100,000 believable patients here and 10,000 in another clinic, in batches."""
    from django.db import transaction

    from mesoclinic.accounts.models import Clinic
    from mesoclinic.patients.models import Patient

    other = Clinic.objects.create(name="Other Clinic")
    rng = random.Random(20261121)
    with transaction.atomic():
        create_batches(rng, ((clinic, PATIENTS), (other, OTHER_CLINIC)))
    return Patient.objects.count()


def create_batches(rng: random.Random, owners: tuple[tuple[Any, int], ...]) -> None:
    from mesoclinic.patients.models import Patient

    for owner, count in owners:
        for start in range(0, count, 5_000):
            Patient.objects.bulk_create(
                fake_patient(rng, owner) for _ in range(start, min(start + 5_000, count))
            )


def fake_patient(rng: random.Random, clinic: Any) -> Any:
    from mesoclinic.patients.models import Patient

    return Patient(
        clinic=clinic,
        given_name=rng.choice(GIVEN),
        family_name=rng.choice(FAMILY) + ("" if rng.random() < 0.5 else f"-{rng.randrange(999)}"),
        birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30_000)),
        phone=f"07700 {rng.randrange(1_000_000):06d}",
    )


def time_search(user: Any, query: str, page: int = 1) -> float:
    """Seconds for what the search page asks the database: one page, from the page before it."""
    from mesoclinic.patients.queries import keyset_page, search_patients

    after = ""
    for _ in range(page - 1):
        after = keyset_page(search_patients(user, query), PAGE, after=after).after
    started = time.perf_counter()
    list(keyset_page(search_patients(user, query), PAGE, after=after))
    return time.perf_counter() - started


def report(kind: str, seconds: list[float]) -> None:
    median = statistics.median(seconds) * 1000
    worst = max(seconds) * 1000
    print(f"{kind:<20} median {median:6.2f} ms   worst {worst:7.2f} ms   ({len(seconds)} searches)")


if __name__ == "__main__":
    main()
