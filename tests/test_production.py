"""Acceptance 3: the app started the production way signs a staff member in.

gunicorn serves the WSGI application with WhiteNoise's static files, on PostgreSQL, as the
application's own database role (read and add audit events only), with docs/production.env's
settings behind a (pretend) reverse proxy; then the task worker runs as a service would.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from mesoclinic.outbox.models import Email
from tests.factories import PASSWORD
from tests.second_factor import recovery_code
from tests.test_settings import production_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="production runs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
BIN = Path(sys.executable).parent
HOST = "clinic.example.org"


class Browser:
    """Just enough of a browser behind an HTTPS proxy: cookies, the Host and proxy headers."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.20",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = "&".join(f"{k}={v}" for k, v in form.items())
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
            }
        server = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        server.request(method, path, body=body, headers=headers)
        response = server.getresponse()
        text = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        server.close()
        return response, text


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port, server):
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


@pytest.fixture
def app_role():
    """A database role for the application, set up as the README says, removed afterwards."""
    role = f"mesoclinic_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    from django.core.management import call_command

    call_command("audit-grant", role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def test_gunicorn_with_whitenoise_on_postgresql_signs_in_with_a_second_factor(
    alice, app_role, tmp_path
):
    code = recovery_code(alice)
    # Hashed as production hashes (the suite itself uses a fast hasher).
    argon2 = Argon2PasswordHasher()
    alice.password = argon2.encode(PASSWORD, argon2.salt())
    alice.save()
    db = connection.settings_dict
    env = production_env(
        DATABASE_URL=f"postgres://{app_role}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MESOCLINIC_VAR_DIR=str(tmp_path),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(free_port()),  # no mail server there: the worker must retry
        EMAIL_USE_TLS="false",
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    subprocess.run(
        [BIN / "mesoclinic", "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=120
    )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "mesoclinic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, server)
        answers = sign_in_and_browse(Browser(port), code)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert answers == {
        "plain http": (301, f"https://{HOST}/login/"),
        "password": (302, "/"),
        "second step": (302, "/two-factor/?next=/"),
        "code": (302, "/"),
        "dashboard": (200, True, "max-age=0, no-cache, no-store, must-revalidate, private"),
        "stylesheet": (200, True),
        "password reset": (302, "/password-reset/sent/"),
    }
    worker = subprocess.run(
        [BIN / "mesoclinic", "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    email = Email.objects.get()
    assert (worker.returncode, email.status, email.attempts, email.last_error[:22]) == (
        0,
        "queued",
        1,
        "ConnectionRefusedError",
    )


def sign_in_and_browse(browser, code):
    answers = {}
    insecure = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
    insecure.request("GET", "/login/", headers={"Host": HOST})
    response = insecure.getresponse()
    answers["plain http"] = (response.status, response.getheader("Location"))
    browser.request("GET", "/login/")
    response, _ = browser.request("POST", "/login/", {"username": "alice", "password": PASSWORD})
    answers["password"] = (response.status, response.getheader("Location"))
    response, _ = browser.request("GET", "/")
    answers["second step"] = (response.status, response.getheader("Location"))
    response, _ = browser.request("POST", "/two-factor/?next=/", {"code": code, "next": "/"})
    answers["code"] = (response.status, response.getheader("Location"))
    response, page = browser.request("GET", "/")
    answers["dashboard"] = (
        response.status,
        "Alice" in page,
        response.getheader("Cache-Control"),
    )
    stylesheet = re.search(r'href="(/static/css/[^"]+)"', page).group(1)
    response, _ = browser.request("GET", stylesheet)
    answers["stylesheet"] = (
        response.status,
        "max-age" in (response.getheader("Cache-Control") or ""),
    )
    other = Browser(browser.port)
    other.request("GET", "/password-reset/")
    response, _ = other.request("POST", "/password-reset/", {"email": "alice@example.org"})
    answers["password reset"] = (response.status, response.getheader("Location"))
    return answers
