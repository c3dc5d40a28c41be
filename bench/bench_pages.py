"""The staff pages of a large clinic under load, each as a share of a trivial view's throughput.

Run as `python bench/bench_pages.py [--patients 100000] [--appointments 1000000] [--seconds 10]`
when PostgreSQL answers at `BENCH_DATABASE_URL` (see `large_clinic.py`; without PostgreSQL it
says so and stops). It fills the large clinic when the database does not hold it yet (`--fresh`
makes it again), starts gunicorn with 3 workers and persistent connections, and for each page
runs 8 clients at once for a few seconds, each on its own kept-alive connection, signed in as a
receptionist or a practitioner (after a second of each page unmeasured, to warm the workers).
It prints each page's requests per second, their ratio to the trivial view measured in the
same run, and the median and 95th percentile of the answers' times.

Heavy: run it on a quiet machine; on a shared one the ratios hold better than the times.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from large_clinic import answers, create, database_url, server_env

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args()
    url = database_url()
    if not answers(url):
        print(f"PostgreSQL does not answer at {url}: page benchmark skipped")
        return
    if options.fresh or not holds_the_clinic(url):
        create(url, options.patients, options.appointments)
    else:
        os.environ.update(server_env(url))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")
        import django

        django.setup()
    cookies, patient_id = sessions()
    port = free_port()
    server = serve(url, port, options.workers)
    try:
        run(options, port, cookies, patient_id)
    finally:
        server.terminate()
        server.wait(timeout=30)


def holds_the_clinic(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute("SELECT count(*) FROM accounts_clinic").fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def sessions() -> tuple[dict[str, str], int]:
    """Session cookies of the receptionist and a practitioner (second factor checked)."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from mesoclinic.accounts.models import User
    from mesoclinic.patients.models import Patient

    cookies = {}
    for role, username in (("reception", "reception"), ("practitioner", "practitioner0")):
        user = User.objects.get(username=username)
        device, _ = StaticDevice.objects.get_or_create(user=user, name="benchmark")
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies, Patient.objects.order_by("pk").values_list("pk", flat=True)[500]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**server_env(url), "DATABASE_CONN_MAX_AGE": "600"}
    command = [str(GUNICORN), "pages_site:application", "--workers", str(workers)]
    command += [
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT / "bench"),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env)
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                "GET", "/bench/trivial/"
            )
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def run(options: Any, port: int, cookies: dict[str, str], patient_id: int) -> None:
    pages: list[tuple[str, str, str]] = [
        ("trivial view", "reception", "/bench/trivial/"),
        ("chart", "practitioner", f"/patients/{patient_id}/"),
        ("patient search by name", "reception", "/patients/?q=smith12"),
        ("patient search, no query", "reception", "/patients/"),
        ("dashboard, reception", "reception", "/"),
        ("dashboard, practitioner", "practitioner", "/"),
        ("week calendar", "reception", "/clinic/calendar/"),
        ("day calendar", "reception", "/clinic/calendar/?view=day"),
    ]
    print(
        f"{options.clients} clients, {options.workers} gunicorn workers, "
        f"{options.seconds:g} s per page"
    )
    for _name, role, path in pages:
        # Every worker imports, connects and fills its caches before anything is measured.
        load(port, cookies[role], path, options.clients, 1)
    trivial = 0.0
    for name, role, path in pages:
        rate, times, failed = load(port, cookies[role], path, options.clients, options.seconds)
        trivial = trivial or rate
        p50 = statistics.median(times) * 1000
        p95 = statistics.quantiles(times, n=20)[18] * 1000 if len(times) > 1 else p50
        print(
            f"{name:<26} {rate:8.1f} req/s   ratio to trivial {rate / trivial:5.3f}   "
            f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms" + (f"   {failed} failed" if failed else "")
        )


def load(
    port: int, cookie: str, path: str, clients: int, seconds: float
) -> tuple[float, list[float], int]:
    """Requests per second of `clients` asking for `path` at once for `seconds`."""
    times: list[float] = []
    failures = [0]
    lock = threading.Lock()
    until = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.perf_counter() < until:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    failures[0] += 1
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    each(threads, threading.Thread.start)
    each(threads, threading.Thread.join)
    return len(times) / (time.perf_counter() - started), times, failures[0]


def each(threads: list[threading.Thread], do: Callable[[threading.Thread], None]) -> None:
    for thread in threads:
        do(thread)


if __name__ == "__main__":
    main()
