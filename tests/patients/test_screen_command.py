"""`mesoclinic screen PATIENT`: SPEC.md's JSON contract, its text, and its errors."""

import json
import subprocess
import sys

import pytest
import time_machine
from django.core.management import CommandError, call_command

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.facts import RXNORM, SNOMED
from mesoclinic.clinical.sources import UNRECOGNISED_SOURCE
from tests.factories import PatientFactory
from tests.patients.factories import ConditionFactory, MedicationFactory

ODD = {"system": SNOMED, "code": "999999", "display": "Something no value set knows"}
# Friday 27 November 2026, 07:30 in London: the default --on is the clinic's today.
FRIDAY_MORNING = "2026-11-27T07:30:00+00:00"


def source(document, quote):
    return {"document": document, "quote": quote}


def step(instruction, concept, start, document, quote):
    return {
        "instruction": instruction,
        "concept": concept,
        "from": start,
        "until": "2026-11-27T09:00:00+00:00",
        "source": source(document, quote),
    }


@pytest.fixture
def pregnant_on_ibuprofen(harbour):
    patient = PatientFactory(clinic=harbour, given_name="Nora", fhir_id="nora-1")
    ConditionFactory(
        patient=patient,
        code_system=SNOMED,
        code="77386006",
        code_display="Pregnancy (finding)",
        text="",
        fhir_id="preg-1",
    )
    MedicationFactory(
        patient=patient,
        code_system=RXNORM,
        code="5640",
        code_display="ibuprofen",
        text="",
        fhir_id="ibu-1",
    )
    ConditionFactory(
        patient=patient,
        code_system=SNOMED,
        code="999999",
        code_display="Something no value set knows",
        text="",
        fhir_id="odd-1",
    )
    return patient


@time_machine.travel(FRIDAY_MORNING, tick=False)
def test_screen_json_is_spec_contract_for_a_pregnant_patient_on_ibuprofen(
    pregnant_on_ibuprofen, capsys
):
    call_command("screen", "nora-1", json=True)
    assert json.loads(capsys.readouterr().out) == {
        "patient": "nora-1",
        "on": "2026-11-27",
        "protocol": {"id": "standard", "version": 1},
        "verdict": "contraindicated",
        "findings": [
            {
                "concept": "unrecognised",
                "severity": "relative",
                "evidence": [
                    {
                        "resource": "Condition/odd-1",
                        "code": "999999",
                        "display": "Something no value set knows",
                        "codes": [ODD],
                        "phrase": "",
                        "mapping": "",
                    }
                ],
                "source": UNRECOGNISED_SOURCE.to_json(),
            },
            {
                "concept": "pregnancy",
                "severity": "absolute",
                "evidence": [
                    {
                        "resource": "Condition/preg-1",
                        "code": "77386006",
                        "display": "Pregnancy (finding)",
                        "codes": [
                            {"system": SNOMED, "code": "77386006", "display": "Pregnancy (finding)"}
                        ],
                        "phrase": "",
                        "mapping": "",
                    }
                ],
                "source": source(
                    "000_96536a4db124c435.txt", "If you are pregnant or breastfeeding."
                ),
            },
        ],
        "preparation": [
            step(
                "Stop taking ibuprofen from Sun 22 Nov until after your treatment: it raises the "
                "risk of bleeding and bruising.",
                "nsaid-or-aspirin",
                "2026-11-22T00:00:00+00:00",
                "004_40230fbec564ed23.txt",
                "Avoid Vitamin E, Aspirin, and anti-inflammatory drugs for at least five days "
                "before treatment.",
            ),
            step(
                "No alcohol from Tue 24 Nov until after your treatment.",
                "alcohol",
                "2026-11-24T00:00:00+00:00",
                "003_abd1253b3ee41516.txt",
                "Avoid alcohol and anti-inflammatory medications a few days before the procedure.",
            ),
            step(
                "Cut down on caffeine from Thu 26 Nov 09:00.",
                "caffeine",
                "2026-11-26T09:00:00+00:00",
                "004_40230fbec564ed23.txt",
                "Reduce caffeine intake in the 24 hours before your treatment.",
            ),
            step(
                "On the morning of your treatment, wash the area with an antibacterial soap.",
                "always",
                "2026-11-27T00:00:00+00:00",
                "004_40230fbec564ed23.txt",
                "wash the area with an antibacterial soap on the morning of the treatment.",
            ),
            step(
                "Do not put lotions, creams, bath oils or sprays on the area.",
                "always",
                "2026-11-27T00:00:00+00:00",
                "004_40230fbec564ed23.txt",
                "Avoid applying lotions, creams, bath oils, or sprays.",
            ),
            step(
                "Eat a light, high-protein meal or bar (30 g of protein or more) before your "
                "treatment.",
                "always",
                "2026-11-27T00:00:00+00:00",
                "004_40230fbec564ed23.txt",
                "eat a light, high-protein meal or a high-protein bar (with 30 grams of protein "
                "or more).",
            ),
            step(
                "Drink plenty of water before your session.",
                "always",
                "2026-11-27T00:00:00+00:00",
                "001_4ae6d9decc41d151.txt",
                "It is recommended to have a hearty meal and drink plenty of water before to "
                "avoid dizziness during the treatment.",
            ),
            step(
                "A numbing cream may be put on the area at the start of your session, if you "
                "need it.",
                "always",
                "2026-11-27T00:00:00+00:00",
                "000_96536a4db124c435.txt",
                "During each mesotherapy session, a numbing cream may be applied to the treatment "
                "area, depending on the area to be treated.",
            ),
        ],
        "unrecognised": [
            {
                "resource": "Condition/odd-1",
                "kind": "condition",
                "codes": [ODD],
                "text": "",
                "holds_verdict": True,
            }
        ],
        "not_relevant": [],
    }
    assert list(AuditEvent.objects.values_list("actor_label", "action", "summary")) == [
        ("system", "read", "screen")
    ]


def test_screen_text_names_the_verdict_findings_and_what_to_review(pregnant_on_ibuprofen, capsys):
    call_command("screen", str(pregnant_on_ibuprofen.pk), "--on", "2026-11-27")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:6] == [
        "Nora Example on Fri 27 Nov 2026, protocol standard v1: contraindicated",
        "  relative  unrecognised: Something no value set knows",
        f"            source: product decision: {UNRECOGNISED_SOURCE.quote}",
        "  absolute  pregnancy: Pregnancy (finding)",
        "            source: 000_96536a4db124c435.txt: If you are pregnant or breastfeeding.",
        "Preparation:",
    ]


def test_an_unknown_patient_is_an_error_that_names_it(db):
    with pytest.raises(CommandError) as error:
        call_command("screen", "nobody-42")
    assert str(error.value) == "PATIENT nobody-42: no patient has the id or FHIR id 'nobody-42'"


def mesoclinic(*args):
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("screen", "1", "--on", "27/11/2026"),
            "argument --on: '27/11/2026' is not a date such as 2026-11-27",
        ),
        (("screen", "1", "--protocol", "house"), "argument --protocol: invalid choice: 'house'"),
        (("screen",), "the following arguments are required: PATIENT"),
    ],
)
def test_bad_usage_exits_2_and_says_which_argument(args, message):
    result = mesoclinic(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr
