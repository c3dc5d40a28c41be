"""The `mesoclinic` command: usage errors exit 2, the demo is idempotent and reports as JSON."""

import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.demo import DEMO_PASSWORD
from mesoclinic.patients.models import Patient


def mesoclinic(*args):
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage: mesoclinic COMMAND"),
        (("no-such-command",), "unknown command 'no-such-command'"),
        (("demo", "--no-such-option"), "unrecognized arguments: --no-such-option"),
    ],
)
def test_wrong_arguments_exit_2_with_usage(args, message):
    result = mesoclinic(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr


def test_help_lists_the_commands():
    result = mesoclinic("help")
    assert (result.returncode, "demo" in result.stdout.split()) == (0, True)


def counts():
    return [m.objects.count() for m in (Clinic, User, Room, Practitioner, Patient)]


def test_demo_is_idempotent_and_reports_what_exists(db, capsys, settings):
    settings.DEBUG = True  # as under `make run`
    call_command("demo", json=True)
    first = json.loads(capsys.readouterr().out)
    before = counts()
    call_command("demo", json=True)
    assert json.loads(capsys.readouterr().out) == first
    assert counts() == before == [2, 11, 5, 3, 13]
    assert [c["name"] for c in first["clinics"]] == ["Harbour Skin Clinic", "Riverside Aesthetics"]
    assert {u["role"] for u in first["users"]} == {"admin", "practitioner", "reception", "patient"}
    assert User.objects.get(username="dr.morgan").check_password(DEMO_PASSWORD)


def test_demo_refuses_to_run_in_production(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo accounts"):
        call_command("demo")
    assert Clinic.objects.count() == 0


@pytest.mark.parametrize("command", ["screen", "plan-course", "book-consultation"])
def test_every_date_argument_is_read_and_refused_alike(command):
    option = "--on" if command == "screen" else "--from"
    result = mesoclinic(command, "1", option, "27/11/2026", "--template=ref-000")
    last_line = result.stderr.strip().splitlines()[-1]
    assert (result.returncode, last_line.split(": ", 2)[-1]) == (
        2,
        f"argument {option}: '27/11/2026' is not a date such as 2026-11-27",
    )


def test_demo_staff_sign_in_with_the_demo_code(db, settings, capsys):
    from django.test import Client
    from django.urls import reverse

    from mesoclinic.demo import DEMO_APP_KEY

    settings.DEBUG = True
    call_command("demo")
    capsys.readouterr()
    call_command("demo-code", json=True)
    printed = json.loads(capsys.readouterr().out)
    assert printed["key"] == DEMO_APP_KEY
    client = Client()
    client.post(reverse("login"), {"username": "dr.morgan", "password": DEMO_PASSWORD})
    answer = client.post(reverse("second-factor"), {"code": printed["code"], "next": "/"})
    assert (answer.status_code, answer["Location"]) == (302, "/")


def test_the_demo_code_is_refused_in_production(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="only while DEBUG is on"):
        call_command("demo-code")
