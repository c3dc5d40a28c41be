"""Defects 4 and 7: deeply nested resources crashed the importer, Latin-1 bytes became mojibake.

Now a resource nested past MOST_NESTING levels, and a line that is not UTF-8, are refused with
their line and the reason; the other lines are imported (exit 3 on the command line).
"""

import json

import pytest
from django.core.management import call_command

from mesoclinic.commands import PartlyRejected
from mesoclinic.fhir.sources import MOST_NESTING, NOT_UTF8, TOO_DEEP, TOO_DEEP_TO_PARSE
from mesoclinic.patients.models import Patient
from tests.fhir.test_import import patient_json


def nested_extensions(levels):
    """A Patient whose extension holds an extension, `levels` times over (about 5 KB at 150)."""
    extension = {"url": "http://example.org/leaf", "valueString": "x"}
    for _ in range(levels):
        extension = {"url": "http://example.org/nest", "extension": [extension]}
    return {**patient_json("deep"), "extension": [extension]}


def import_report(capsys, path):
    with pytest.raises(PartlyRejected):
        call_command("import-fhir", str(path), json=True)
    return json.loads(capsys.readouterr().out)


def test_a_deeply_nested_resource_is_refused_and_the_other_lines_kept(harbour, tmp_path, capsys):
    path = tmp_path / "Patient.ndjson"
    deep = json.dumps(nested_extensions(150))
    assert 4_000 < len(deep) < 9_000
    path.write_text("\n".join([json.dumps(patient_json("p1")), deep, "[" * 100_000]) + "\n")
    report = import_report(capsys, path)
    assert report == {
        "imported": {"Patient": 1},
        "updated": {},
        "unchanged": {},
        "rejected": [
            {"file": str(path), "line": 2, "reason": TOO_DEEP.format(most=MOST_NESTING)},
            {"file": str(path), "line": 3, "reason": TOO_DEEP_TO_PARSE},
        ],
    }
    assert list(Patient.objects.values_list("fhir_id", flat=True)) == ["p1"]


def test_a_resource_nested_to_the_limit_is_still_read(harbour, tmp_path, capsys):
    path = tmp_path / "Patient.ndjson"
    # The extensions start two levels down (the resource, its list of extensions).
    path.write_text(json.dumps(nested_extensions((MOST_NESTING - 3) // 2)) + "\n")
    call_command("import-fhir", str(path), json=True)
    assert json.loads(capsys.readouterr().out)["imported"] == {"Patient": 1}


def test_latin_1_bytes_are_refused_with_their_line_not_imported_as_mojibake(
    harbour, tmp_path, capsys
):
    path = tmp_path / "Patient.ndjson"
    zoe = json.dumps(
        patient_json("zoe", name=[{"family": "Zoë", "given": ["Ann"]}]), ensure_ascii=False
    )
    path.write_bytes(
        json.dumps(patient_json("p1")).encode() + b"\n" + zoe.encode("latin-1") + b"\n"
    )
    report = import_report(capsys, path)
    column = zoe.index("ë") + 1
    assert report["rejected"] == [
        {"file": str(path), "line": 2, "reason": NOT_UTF8.format(byte=0xEB, column=column)}
    ]
    assert list(Patient.objects.values_list("fhir_id", flat=True)) == ["p1"]


def test_the_api_refuses_a_latin_1_body_with_its_line(client_for, paula, harbour):
    body = json.dumps(patient_json("zoe", name=[{"family": "Zoë"}]), ensure_ascii=False).encode(
        "latin-1"
    )
    response = client_for(paula).post(
        "/api/v1/fhir/import", body, content_type="application/fhir+ndjson"
    )
    (rejected,) = response.json()["detail"]
    assert (response.status_code, rejected["line"], rejected["reason"][:31]) == (
        422,
        1,
        "not UTF-8 text: byte 0xEB at ch",
    )
