"""GAIS scores as FHIR R4 Observations, for the clinic's export.

LOINC has no code for the Global Aesthetic Improvement Scale, so the score is coded in the
clinic's own code system (README, "GAIS scores in FHIR"): `gais` with the answer 1–5 as
`valueInteger` and its words in the local answer system; the rater is the performer.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from mesoclinic.accounts.models import Clinic
from mesoclinic.outcomes.models import GaisScore, Rater

Resource = dict[str, Any]
SCORE = "https://mesoclinic.org/fhir/CodeSystem/outcome-score"
ANSWER = "https://mesoclinic.org/fhir/CodeSystem/gais-answer"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def _instant(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def gais_observation(score: GaisScore) -> Resource:
    """One score as a final Observation about its patient, based on the course's CarePlan."""
    patient = score.patient
    practitioner = getattr(score.recorded_by, "practitioner", None)
    if score.rater == Rater.PATIENT:
        performer = f"Patient/{patient.fhir_id or patient.pk}"
    elif practitioner is not None:
        performer = f"Practitioner/practitioner-{practitioner.pk}"
    else:  # a clinic admin who does not treat
        performer = ""
    resource: Resource = {
        "resourceType": "Observation",
        "id": f"gais-{score.pk}",
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [
                {
                    "system": SCORE,
                    "code": "gais",
                    "display": "Global Aesthetic Improvement Scale",
                }
            ],
            "text": f"GAIS by the {score.rater}",
        },
        "subject": {"reference": f"Patient/{patient.fhir_id or patient.pk}"},
        "basedOn": [{"reference": f"CarePlan/course-{score.course_id}"}],
        "effectiveDateTime": _instant(score.recorded_at),
        "valueInteger": score.score,
        "interpretation": [
            {
                "coding": [
                    {
                        "system": ANSWER,
                        "code": str(score.score),
                        "display": score.get_score_display(),
                    }
                ]
            }
        ],
    }
    if performer:
        resource["performer"] = [{"reference": performer}]
    if score.session_id is not None:
        resource["focus"] = [{"reference": f"Appointment/appointment-{score.session_id}"}]
    return resource


def gais_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Every GAIS score of the clinic, oldest first."""
    scores = GaisScore.objects.filter(clinic=clinic)
    rows = scores.select_related("patient", "recorded_by__practitioner").order_by("pk")
    for score in rows.iterator(chunk_size=2000):
        yield "Observation", gais_observation(score)
