"""Acceptance: synthea-10 and the official R4 examples go in, come out, and nothing is lost.

Every resource the import kept is compared, element by element, with the one the export wrote;
the only difference allowed is the one README lists ("What the FHIR export changes"): a patient
named by a Bundle's `urn:uuid` or an absolute address comes out as `Patient/<id>`.
"""

import json
import tarfile
from pathlib import Path

import pytest

from mesoclinic.fhir.domain import fhir_export, fhir_import
from mesoclinic.fhir.sources import Source
from mesoclinic.patients.models import Condition
from tests.fhir.test_official_examples import EXAMPLE, fetch_examples
from tests.shared import SHARED

SYNTHEA = SHARED / "fhir-samples" / "synthea-10"


def differences(sent, came_back, path=""):
    """Every path at which `came_back` lost or changed what `sent` held, or added to it."""
    if isinstance(sent, dict) and isinstance(came_back, dict):
        found = []
        for key in sent.keys() | came_back.keys():
            if key not in came_back:
                found.append(f"{path}.{key} lost")
            elif key not in sent:
                found.append(f"{path}.{key} added")
            else:
                found += differences(sent[key], came_back[key], f"{path}.{key}")
        return found
    if isinstance(sent, list) and isinstance(came_back, list) and len(sent) == len(came_back):
        return [
            d
            for n, (a, b) in enumerate(zip(sent, came_back, strict=True))
            for d in differences(a, b, f"{path}[{n}]")
        ]
    return [] if sent == came_back else [f"{path} changed"]


def synthea_sources():
    return [
        Source(path.name, path.read_text(encoding="utf-8"), ndjson=True)
        for path in sorted(SYNTHEA.glob("*.ndjson"))
    ]


def example_sources():
    with tarfile.open(fetch_examples()) as tarball:
        return [
            Source(member.name, tarball.extractfile(member).read().decode("utf-8"), ndjson=False)
            for member in tarball.getmembers()
            if EXAMPLE.match(member.name)
        ]


def resources_of(sources):
    found = {}
    for source in sources:
        lines = source.text.splitlines() if source.ndjson else [source.text]
        for line in filter(str.strip, lines):
            resource = json.loads(line)
            found[(resource["resourceType"], resource["id"])] = resource
    return found


def exported(directory: Path):
    found = {}
    for path in directory.glob("*.ndjson"):
        for line in path.read_text(encoding="utf-8").splitlines():
            resource = json.loads(line)
            found[(resource["resourceType"], resource["id"])] = resource
    return found


def allowed(difference, sent):
    """A patient reference made this clinic's own, or a narrative where none came, as README
    says."""
    if difference == ".text added":
        return True
    for element in ("subject", "patient"):
        if difference == f".{element}.reference changed":
            reference = sent[element]["reference"]
            return reference.startswith(("urn:uuid:", "http")) or "/" not in reference
    return False


@pytest.mark.parametrize("sources", [synthea_sources, example_sources])
def test_what_went_in_comes_out_whole(harbour, tmp_path, sources):
    given = sources()
    report = fhir_import(clinic=harbour, by=None, sources=given)
    fhir_export(clinic=harbour, directory=tmp_path, by=None)
    came_back = exported(tmp_path)
    sent = resources_of(given)
    lost = {key for key in sent if key not in came_back}
    # What did not come back is what the import refused, each with its reason.
    assert len(lost) == len(report.rejected)
    assert all(r["reason"] for r in report.rejected)
    kept = {key: resource for key, resource in sent.items() if key in came_back}
    changed = {
        key: found
        for key, resource in kept.items()
        if key in came_back
        and (
            found := [d for d in differences(resource, came_back[key]) if not allowed(d, resource)]
        )
    }
    assert changed == {}
    assert sum(report.imported.values()) > 0


def test_a_change_made_here_is_exported_and_the_rest_as_received(harbour, tmp_path):
    given = synthea_sources()
    fhir_import(clinic=harbour, by=None, sources=given)
    sent = resources_of(given)
    condition = Condition.objects.filter(clinical_status="active").order_by("pk").first()
    condition.clinical_status = "resolved"
    condition.save()
    fhir_export(clinic=harbour, directory=tmp_path, by=None)
    before = sent[("Condition", condition.fhir_id)]
    after = exported(tmp_path)[("Condition", condition.fhir_id)]
    changed = [d for d in differences(before, after) if not allowed(d, before)]
    assert changed == [".clinicalStatus.coding[0].code changed"]
    assert after["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert after["category"] == before["category"]


def test_the_read_api_serves_what_came_in_whole(harbour, client_for, paula):
    given = synthea_sources()
    fhir_import(clinic=harbour, by=None, sources=given)
    sent = resources_of(given)
    client = client_for(paula)
    request = next(
        r for (t, _), r in sent.items() if t == "MedicationRequest" and "dosageInstruction" in r
    )
    served = client.get(f"/fhir/r4/MedicationRequest/{request['id']}").json()
    assert served.pop("text")["status"] == "generated"
    assert served == request
    patient = next(r for (t, _), r in sent.items() if t == "Patient")
    found = client.get("/fhir/r4/Patient", {"_id": patient["id"]}).json()["entry"]
    # A resource that came with a narrative keeps its own.
    assert [e["resource"] for e in found] == [patient]
