"""Writes the recognition test set: FHIR R4 patients as bulk NDJSON, and what screening must say.

The answers were written from SPEC.md, the seeds and issue 9 before the screening ran on them.
Run `python tests/clinical/recognition_set/build.py` after changing a case; it rewrites the
NDJSON files and `expected.json` beside it. Every patient is screened under `standard` for a
session on 2026-11-21 at 10:00 in Belgrade; a patient with a plan is screened against its
products.
"""

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UNII = "http://fdasis.nlm.nih.gov"
# A clinic's own code system, which no value set knows.
LOCAL = "https://clinic.example/codes"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
PREGNANCY_STATUS = (LOINC, "82810-3", "Pregnancy status")
BREASTFEEDING_STATUS = (LOINC, "63895-7", "Breastfeeding status")

PLANS = {
    "revitalising": [
        {
            "name": "Revitalising cocktail",
            "ingredients": [
                {"system": UNII, "code": "S270N0TRQY", "display": "Hyaluronic acid"},
                "Vitamin C (ascorbic acid)",
                "Glycine",
                "Zinc",
            ],
        },
        {
            "name": "Numbing cream",
            "ingredients": [
                {"system": SNOMED, "code": "387480006", "display": "Lidocaine"},
                "Prilocaine",
            ],
        },
    ],
    "lipolysis": [
        {
            "name": "Lipolysis cocktail",
            "ingredients": ["Phosphatidylcholine (soy)", "Sodium deoxycholate"],
        }
    ],
}


def concept(*codings: tuple[str, str, str], text: str = "") -> dict[str, Any]:
    """A CodeableConcept: (system, code, display) codings, a display left out when empty."""
    found: dict[str, Any] = {}
    if codings:
        found["coding"] = [
            {"system": s, "code": c, **({"display": d} if d else {})} for s, c, d in codings
        ]
    if text:
        found["text"] = text
    return found


class Record:
    """One history resource of a case, and whether screening must hold it as not understood."""

    def __init__(self, resource: dict[str, Any], unrecognised: bool = False) -> None:
        self.resource = resource
        self.unrecognised = unrecognised


def condition(
    *codings: tuple[str, str, str],
    text: str = "",
    status: str = "active",
    verification: str = "confirmed",
    onset: str = "",
    abated: str = "",
    unrecognised: bool = False,
) -> Record:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "clinicalStatus": concept((CLINICAL, status, "")),
        "verificationStatus": concept((VERIFICATION, verification, "")),
        "code": concept(*codings, text=text),
    }
    if onset:
        resource["onsetDateTime"] = onset
    if abated:
        resource["abatementDateTime"] = abated
    return Record(resource, unrecognised)


def medication(
    *codings: tuple[str, str, str],
    text: str = "",
    status: str = "active",
    request: bool = False,
    started: str = "2025-01-10",
    unrecognised: bool = False,
) -> Record:
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest" if request else "MedicationStatement",
        "status": status,
        "medicationCodeableConcept": concept(*codings, text=text),
    }
    if request:
        resource |= {"intent": "order", "authoredOn": started}
    else:
        resource["effectiveDateTime"] = started
    return Record(resource, unrecognised)


def reaction(*codings: tuple[str, str, str], text: str = "", severity: str = "") -> dict:
    found: dict[str, Any] = {"manifestation": [concept(*codings, text=text)]}
    if severity:
        found["severity"] = severity
    return found


def allergy(
    *codings: tuple[str, str, str],
    text: str = "",
    status: str = "active",
    verification: str = "confirmed",
    reactions: tuple[dict, ...] = (),
    unrecognised: bool = False,
) -> Record:
    resource: dict[str, Any] = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": concept((ALLERGY_CLINICAL, status, "")),
        "verificationStatus": concept((ALLERGY_VERIFICATION, verification, "")),
        "code": concept(*codings, text=text),
    }
    if reactions:
        resource["reaction"] = list(reactions)
    return Record(resource, unrecognised)


def observation(
    *codings: tuple[str, str, str],
    text: str = "",
    status: str = "final",
    answer: tuple[str, str, str] | None = None,
    said: str = "",
    value: float | None = None,
    unit: str = "",
    on: str = "2026-11-02",
) -> Record:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": status,
        "code": concept(*codings, text=text),
        "effectiveDateTime": on,
    }
    if answer:
        resource["valueCodeableConcept"] = concept(answer)
    if said:
        resource["valueString"] = said
    if value is not None:
        resource["valueQuantity"] = {"value": value, "unit": unit}
    return Record(resource, False)


def typed(text: str, unrecognised: bool = False) -> Record:
    """A condition typed by hand: words only."""
    return condition(text=text, unrecognised=unrecognised)


def took(text: str, status: str = "active", unrecognised: bool = False) -> Record:
    """A medicine or supplement typed by hand."""
    return medication(text=text, status=status, unrecognised=unrecognised)


def allergic(text: str, unrecognised: bool = False) -> Record:
    """An allergy typed by hand."""
    return allergy(text=text, unrecognised=unrecognised)


def status_said(question: tuple[str, str, str], said: str, on: str = "2026-11-02") -> Record:
    """A pregnancy or breastfeeding status question answered in words."""
    return observation(question, said=said, on=on)


CASES: list[dict[str, Any]] = []


def case(
    about: str,
    language: str,
    *records: Record,
    verdict: str,
    findings: tuple[str, ...] = (),
    steps: tuple[str, ...] = (),
    plan: str = "",
    numbing_cream: bool = True,
    born: str = "1985-04-02",
) -> None:
    """A patient of the set, with what screening must find for them."""
    CASES.append(
        {
            "about": about,
            "language": language,
            "records": records,
            "verdict": verdict,
            "findings": sorted(findings),
            "steps": sorted(steps),
            "plan": plan,
            "numbing_cream": numbing_cream,
            "born": born,
        }
    )


# --- Every coding counts: recognised by any code, then by displays and text ---------------------
case(
    "An RxNorm product code alone, no display, no text: known to the value sets",
    "code",
    medication((RXNORM, "855332", "")),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "An RxNorm product code alone that no value set knows: not understood, so review",
    "code",
    medication((RXNORM, "1364445", ""), unrecognised=True),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "An unknown RxNorm product with an ATC coding beside it: the ATC class decides",
    "code",
    medication((RXNORM, "1364445", ""), (ATC, "B01AF01", "")),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "Three codings (RxNorm, ATC, SNOMED) of one anticoagulant",
    "code",
    medication(
        (RXNORM, "855332", "warfarin sodium 5 MG Oral Tablet"),
        (ATC, "B01AA03", "warfarin"),
        (SNOMED, "372756006", "Warfarin (substance)"),
    ),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "An ICD-10 pregnancy code first, the SNOMED code second",
    "code",
    condition((ICD10, "Z33.1", ""), (SNOMED, "77386006", ""), onset="2026-09-01"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "An ICD-10 code no value set knows, recognised by its display",
    "code",
    condition((ICD10, "M32.9", "Systemic lupus erythematosus, unspecified")),
    verdict="contraindicated",
    findings=("autoimmune-disease",),
)
case(
    "An ICD-10 code alone, no display: not understood, so review",
    "code",
    condition((ICD10, "M32.9", ""), unrecognised=True),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "An unknown condition code whose text says what it is",
    "code",
    condition((LOCAL, "T1D", ""), text="Type 1 diabetes"),
    verdict="contraindicated",
    findings=("insulin-dependent-diabetes",),
)

# --- What could matter and was not understood holds the verdict at review ------------------------
case(
    "An unknown condition (epilepsy) is not understood: review, whatever else is found",
    "en",
    condition((SNOMED, "84757009", "Epilepsy (disorder)"), unrecognised=True),
    typed("Obese"),
    verdict="review",
    findings=("unrecognised", "obesity"),
)
case(
    "An unknown medicine taken now is not understood: review",
    "en",
    took("Levetiracetam 500 mg twice daily", unrecognised=True),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "An unknown medicine stopped long ago does not hold the verdict",
    "en",
    took("Levetiracetam 500 mg", status="stopped"),
    verdict="eligible",
)
case(
    "An unknown allergy (chlorhexidine, used to disinfect the skin) is not understood: review",
    "en",
    allergic("Chlorhexidine", unrecognised=True),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "A resolved condition no value set knows could be a past clotting disorder: review",
    "en",
    condition(
        (LOCAL, "H-17", "Rare haematological event"),
        status="resolved",
        abated="2015-01-01",
        unrecognised=True,
    ),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "Environmental allergies, social findings and administrative codes are known not to matter",
    "en",
    allergy((SNOMED, "256277009", "Grass pollen (substance)")),
    allergy((SNOMED, "84489001", "Mold (organism)")),
    allergy((SNOMED, "260147004", "House dust mite (organism)")),
    allergy((SNOMED, "264287008", "Animal dander (substance)")),
    condition((SNOMED, "160903007", "Full-time employment (finding)")),
    condition((SNOMED, "73595000", "Stress (finding)")),
    condition((SNOMED, "314529007", "Medication review due (situation)")),
    verdict="eligible",
)
case(
    "Measurements no rule reads (blood pressure, weight) never hold the verdict",
    "en",
    observation((LOINC, "85354-9", "Blood pressure panel")),
    observation((LOINC, "29463-7", "Body weight"), value=64.0, unit="kg"),
    verdict="eligible",
)
case(
    "Typed words known not to matter: hay fever, no known allergies",
    "en",
    allergic("Hay fever"),
    allergic("No known allergies"),
    verdict="eligible",
)

# --- Reactions -----------------------------------------------------------------------------------
case(
    "Anaphylaxis recorded the usual FHIR way: a reaction manifestation",
    "code",
    allergy(
        (SNOMED, "288328004", "Bee venom (substance)"),
        reactions=(reaction((SNOMED, "39579001", "Anaphylaxis (disorder)"), severity="severe"),),
    ),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A severe reaction (angioedema) to penicillin counts as anaphylaxis history",
    "code",
    allergy(
        (RXNORM, "7984", "Penicillin V"),
        reactions=(
            reaction((SNOMED, "402387002", "Allergic angioedema (disorder)"), severity="severe"),
        ),
    ),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A reaction typed as words: anaphylactic shock",
    "en",
    allergy(
        (SNOMED, "762952008", "Peanut (substance)"),
        reactions=(reaction(text="Anaphylactic shock"),),
    ),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A reaction typed in Serbian: anafilaktički šok",
    "sr-Latn",
    allergy(text="Penicilin", reactions=(reaction(text="anafilaktički šok"),)),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A reaction typed in Serbian Cyrillic: анафилактички шок",
    "sr-Cyrl",
    allergy(text="Пеницилин", reactions=(reaction(text="анафилактички шок"),)),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A reaction typed in Turkish: anafilaktik şok",
    "tr",
    allergy(text="Penisilin", reactions=(reaction(text="anafilaktik şok"),)),
    verdict="review",
    findings=("anaphylaxis-history",),
)
case(
    "A mild wheal after aspirin is no anaphylaxis",
    "code",
    allergy(
        (RXNORM, "1191", "Aspirin"),
        reactions=(reaction((SNOMED, "247472004", "Wheal (finding)"), severity="mild"),),
    ),
    verdict="eligible",
)
case(
    "An anaphylaxis on an allergy later refuted never counts",
    "code",
    allergy(
        (SNOMED, "288328004", "Bee venom (substance)"),
        verification="refuted",
        reactions=(reaction((SNOMED, "39579001", "Anaphylaxis (disorder)")),),
    ),
    verdict="eligible",
)
case(
    "An anaphylaxis on an allergy the patient outgrew still counts: anaphylaxis ever",
    "code",
    allergy(
        (SNOMED, "762952008", "Peanut (substance)"),
        status="resolved",
        reactions=(reaction((SNOMED, "39579001", "Anaphylaxis (disorder)")),),
    ),
    verdict="review",
    findings=("anaphylaxis-history",),
)

# --- Statuses and dates --------------------------------------------------------------------------
case(
    "Lupus in remission is still lupus",
    "code",
    condition((SNOMED, "55464009", "Systemic lupus erythematosus (disorder)"), status="remission"),
    verdict="contraindicated",
    findings=("autoimmune-disease",),
)
case(
    "Rheumatoid arthritis marked inactive is still an autoimmune disease",
    "code",
    condition((SNOMED, "69896004", "Rheumatoid arthritis (disorder)"), status="inactive"),
    verdict="contraindicated",
    findings=("autoimmune-disease",),
)
case(
    "Psoriasis resolved, with an end date, is over",
    "code",
    condition(
        (SNOMED, "9014002", "Psoriasis (disorder)"),
        status="resolved",
        onset="2010-05-01",
        abated="2014-05-01",
    ),
    verdict="eligible",
)
case(
    "Chronic hepatitis C is an active infection",
    "code",
    condition((SNOMED, "128302006", "Chronic hepatitis C (disorder)")),
    verdict="contraindicated",
    findings=("active-infection",),
)
case(
    "Chronic hepatitis B marked inactive is active until resolved",
    "code",
    condition((SNOMED, "61977001", "Chronic type B viral hepatitis (disorder)"), status="inactive"),
    verdict="contraindicated",
    findings=("active-infection",),
)
case(
    "HIV infection, typed, is an active infection",
    "en",
    typed("HIV positive since 2015"),
    verdict="contraindicated",
    findings=("active-infection",),
)
case(
    "Hepatitis C resolved after treatment is over",
    "code",
    condition(
        (SNOMED, "128302006", "Chronic hepatitis C (disorder)"),
        status="resolved",
        abated="2022-03-01",
    ),
    verdict="eligible",
)
case(
    "Insulin therapy alone, with no diabetes code, is insulin-dependent diabetes",
    "code",
    medication((RXNORM, "274783", "insulin glargine")),
    verdict="contraindicated",
    findings=("insulin-dependent-diabetes",),
)
case(
    "Insulin stopped years ago, with no diabetes, is nothing",
    "code",
    medication((RXNORM, "274783", "insulin glargine"), status="stopped", started="2012-01-01"),
    verdict="eligible",
)
case(
    "A MedicationStatement 'not-taken' says the patient does not take it",
    "code",
    medication((RXNORM, "855332", "warfarin sodium 5 MG Oral Tablet"), status="not-taken"),
    verdict="eligible",
)
case(
    "An epinephrine auto-injector recorded as not taken is nothing",
    "code",
    medication(
        (RXNORM, "1870230", "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector"),
        status="not-taken",
    ),
    verdict="eligible",
)
case(
    "Warfarin on hold is expected to continue: it counts",
    "code",
    medication(
        (RXNORM, "855332", "warfarin sodium 5 MG Oral Tablet"), status="on-hold", request=True
    ),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "An anticoagulant intended to start counts",
    "code",
    medication((ATC, "B01AF02", "apixaban"), status="intended"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "A prescription cancelled before it was taken is nothing",
    "code",
    medication(
        (RXNORM, "855332", "warfarin sodium 5 MG Oral Tablet"), status="cancelled", request=True
    ),
    verdict="eligible",
)
case(
    "A corrected pregnancy status: pregnant",
    "code",
    observation(PREGNANCY_STATUS, status="corrected", answer=(LOINC, "LA15173-0", "Pregnant")),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "An amended pregnancy status: pregnant",
    "code",
    observation(PREGNANCY_STATUS, status="amended", answer=(LOINC, "LA15173-0", "Pregnant")),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "A preliminary pregnancy status still counts",
    "code",
    observation(PREGNANCY_STATUS, status="preliminary", answer=(LOINC, "LA15173-0", "Pregnant")),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "A cancelled pregnancy status observation was never made",
    "code",
    observation(PREGNANCY_STATUS, status="cancelled", answer=(LOINC, "LA15173-0", "Pregnant")),
    verdict="eligible",
)
case(
    "A pregnancy status answered 'Unknown' is no denial",
    "code",
    observation(PREGNANCY_STATUS, answer=(LOINC, "LA4489-6", "Unknown")),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "A 'currently breastfeeding' status from three years ago has aged out",
    "code",
    observation(
        BREASTFEEDING_STATUS,
        answer=(LOINC, "LA29252-6", "Currently breastfeeding"),
        on="2023-06-01",
    ),
    verdict="eligible",
)
case(
    "A 'currently breastfeeding' status from May counts",
    "code",
    observation(
        BREASTFEEDING_STATUS,
        answer=(LOINC, "LA29252-6", "Currently breastfeeding"),
        on="2026-05-01",
    ),
    verdict="contraindicated",
    findings=("breastfeeding",),
)
case(
    "A pregnancy left open for two years is stale",
    "code",
    condition((SNOMED, "72892002", "Normal pregnancy"), onset="2024-09-01"),
    verdict="eligible",
)
case(
    "An unconfirmed pregnancy still counts",
    "code",
    condition(
        (SNOMED, "72892002", "Normal pregnancy"), verification="unconfirmed", onset="2026-10-01"
    ),
    verdict="contraindicated",
    findings=("pregnancy",),
)

# --- Prescribed medicines are never stopped by us ------------------------------------------------
case(
    "Low-dose aspirin (81 mg) is an antiplatelet: ask the prescriber, never stop",
    "code",
    medication((RXNORM, "243670", "Aspirin 81 MG Oral Tablet")),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "Aspirin coded as an antiplatelet (ATC B01AC06): ask the prescriber",
    "code",
    medication((ATC, "B01AC06", "acetylsalicylic acid")),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "Heart medicine (digoxin) and ibuprofen: ask about digoxin, stop ibuprofen",
    "en",
    took("Digoxin 125 micrograms daily"),
    took("Ibuprofen 400 mg as needed"),
    verdict="contraindicated",
    findings=("cardiac-medication",),
    steps=("ask-prescriber", "pause-nsaids"),
)

# --- Free text, in the clinics' languages --------------------------------------------------------
case(
    "English: conditions typed by hand",
    "en",
    typed("Currently pregnant, 12 weeks"),
    typed("Von Willebrand disease"),
    typed("Stroke in 2019"),
    typed("Rheumatoid arthritis"),
    typed("Cold sore on the upper lip"),
    typed("Obese"),
    verdict="contraindicated",
    findings=(
        "pregnancy",
        "coagulation-disorder",
        "stroke-history",
        "autoimmune-disease",
        "active-infection",
        "obesity",
    ),
)
case(
    "Serbian: conditions typed by hand",
    "sr-Latn",
    typed("Trudna, 12. nedelja"),
    typed("Hemofilija A"),
    typed("Moždani udar 2018. godine"),
    typed("Reumatoidni artritis"),
    typed("Herpes na usni"),
    typed("Gojaznost"),
    verdict="contraindicated",
    findings=(
        "pregnancy",
        "coagulation-disorder",
        "stroke-history",
        "autoimmune-disease",
        "active-infection",
        "obesity",
    ),
)
case(
    "Serbian Cyrillic: conditions typed by hand",
    "sr-Cyrl",
    typed("Трудноћа у току"),
    typed("Дубока венска тромбоза"),
    typed("Мождани удар"),
    typed("Псоријаза"),
    typed("Инфекција мокраћних путева"),
    typed("Гојазна"),
    verdict="contraindicated",
    findings=(
        "pregnancy",
        "coagulation-disorder",
        "stroke-history",
        "autoimmune-disease",
        "active-infection",
        "obesity",
    ),
)
case(
    "Turkish: conditions typed by hand",
    "tr",
    typed("Gebelik 12. hafta"),
    typed("Pıhtılaşma bozukluğu"),
    typed("İnme geçirdim"),
    typed("Sedef hastalığı"),
    typed("İdrar yolu enfeksiyonu"),
    typed("Obezite"),
    verdict="contraindicated",
    findings=(
        "pregnancy",
        "coagulation-disorder",
        "stroke-history",
        "autoimmune-disease",
        "active-infection",
        "obesity",
    ),
)
case(
    "English: breastfeeding, diabetes, latex and anaphylaxis typed",
    "en",
    observation(text="Breastfeeding her 4-month-old"),
    typed("Type 2 diabetes, on metformin"),
    allergic("Latex gloves"),
    typed("Anaphylaxis to wasp sting in 2012"),
    verdict="contraindicated",
    findings=("breastfeeding", "diabetes", "latex-allergy", "anaphylaxis-history"),
)
case(
    "Serbian: breastfeeding, diabetes, latex and anaphylaxis typed",
    "sr-Latn",
    observation(text="Dojim bebu od 4 meseca"),
    typed("Šećerna bolest tip 2"),
    allergic("Alergija na lateks"),
    typed("Anafilaksa posle uboda ose"),
    verdict="contraindicated",
    findings=("breastfeeding", "diabetes", "latex-allergy", "anaphylaxis-history"),
)
case(
    "Serbian Cyrillic: breastfeeding, diabetes, latex and anaphylaxis typed",
    "sr-Cyrl",
    observation(text="Дојиља"),
    typed("Дијабетес тип 2"),
    allergic("Латекс"),
    typed("Анафилактички шок 2015"),
    verdict="contraindicated",
    findings=("breastfeeding", "diabetes", "latex-allergy", "anaphylaxis-history"),
)
case(
    "Turkish: breastfeeding, diabetes, latex and anaphylaxis typed",
    "tr",
    observation(text="Emziriyorum"),
    typed("Tip 2 diyabet"),
    allergic("Lateks alerjisi"),
    typed("Arı sokmasına bağlı anafilaksi"),
    verdict="contraindicated",
    findings=("breastfeeding", "diabetes", "latex-allergy", "anaphylaxis-history"),
)
case(
    "English: medicines typed by hand",
    "en",
    took("Lantus 20 units at night"),
    took("Amiodarone 200 mg"),
    took("Prednisolone 20 mg daily"),
    took("Xarelto 20 mg"),
    verdict="contraindicated",
    findings=(
        "insulin-dependent-diabetes",
        "cardiac-medication",
        "immunosuppression",
        "anticoagulant-therapy",
    ),
    steps=("ask-prescriber",),
)
case(
    "Serbian: medicines typed by hand",
    "sr-Latn",
    took("Insulin, 20 jedinica uveče"),
    took("Digoksin 0,125 mg"),
    took("Pronison 20 mg"),
    took("Sintrom 4 mg"),
    verdict="contraindicated",
    findings=(
        "insulin-dependent-diabetes",
        "cardiac-medication",
        "immunosuppression",
        "anticoagulant-therapy",
    ),
    steps=("ask-prescriber",),
)
case(
    "Serbian Cyrillic: medicines typed by hand",
    "sr-Cyrl",
    took("Инсулин"),
    took("Амјодарон 200 мг"),
    took("Метотрексат 15 мг недељно"),
    took("Варфарин 5 мг"),
    verdict="contraindicated",
    findings=(
        "insulin-dependent-diabetes",
        "cardiac-medication",
        "immunosuppression",
        "anticoagulant-therapy",
    ),
    steps=("ask-prescriber",),
)
case(
    "Turkish: medicines typed by hand",
    "tr",
    took("İnsülin 20 ünite"),
    took("Digoksin"),
    took("Metotreksat haftada 15 mg"),
    took("Coumadin 5 mg"),
    verdict="contraindicated",
    findings=(
        "insulin-dependent-diabetes",
        "cardiac-medication",
        "immunosuppression",
        "anticoagulant-therapy",
    ),
    steps=("ask-prescriber",),
)
case(
    "English: preparation medicines and supplements",
    "en",
    took("Nurofen 200 mg"),
    took("Vitamin E 400 IU"),
    took("Ginkgo biloba"),
    took("Ritalin 10 mg"),
    took("Baby aspirin 81 mg daily"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=(
        "ask-prescriber",
        "pause-nsaids",
        "pause-vitamin-e",
        "pause-ginkgo-willow-bark",
        "pause-stimulants",
    ),
)
case(
    "Serbian: preparation medicines and supplements",
    "sr-Latn",
    took("Brufen 400"),
    took("Vitamin E kapsule"),
    took("Ginko biloba"),
    took("Kardiopirin 100 mg"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber", "pause-nsaids", "pause-vitamin-e", "pause-ginkgo-willow-bark"),
)
case(
    "Serbian Cyrillic: preparation medicines and supplements",
    "sr-Cyrl",
    took("Ибупрофен 400"),
    took("Витамин Е"),
    took("Гинко билоба"),
    took("Аспирин протект 100 мг"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber", "pause-nsaids", "pause-vitamin-e", "pause-ginkgo-willow-bark"),
)
case(
    "Turkish: preparation medicines and supplements",
    "tr",
    took("Apranax 550 mg"),
    took("E vitamini"),
    took("Ginkgo biloba"),
    took("Coraspin 100 mg"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber", "pause-nsaids", "pause-vitamin-e", "pause-ginkgo-willow-bark"),
)
case(
    "English: negations, near and a few words back",
    "en",
    typed("No diabetes"),
    typed("Never in my life had a stroke"),
    observation(text="Breastfeeding - no"),
    typed("Denies pregnancy"),
    typed("Without any infection"),
    verdict="eligible",
)
case(
    "Serbian: negations",
    "sr-Latn",
    typed("Nisam trudna"),
    typed("Nikada nisam imala moždani udar"),
    observation(text="Dojenje - ne"),
    typed("Nema dijabetes"),
    typed("Bez infekcija"),
    verdict="eligible",
)
case(
    "Serbian Cyrillic: negations",
    "sr-Cyrl",
    typed("Нисам трудна"),
    typed("Никада нисам имала мождани удар"),
    observation(text="Дојење - не"),
    typed("Нема дијабетес"),
    verdict="eligible",
)
case(
    "Turkish: negations, after the word as Turkish puts them",
    "tr",
    typed("Hamile değilim"),
    typed("Hayatımda hiç inme geçirmedim"),
    observation(text="Emzirmiyorum"),
    typed("Diyabet yok"),
    typed("Enfeksiyon yok"),
    verdict="eligible",
)
case(
    "English: family history is about someone else",
    "en",
    typed("Mother had a stroke"),
    typed("Family history of diabetes"),
    typed("Father: type 1 diabetes"),
    verdict="eligible",
)
case(
    "Serbian: family history",
    "sr-Latn",
    typed("Majka imala moždani udar"),
    typed("Dijabetes u porodici"),
    verdict="eligible",
)
case(
    "Serbian Cyrillic: family history",
    "sr-Cyrl",
    typed("Отац имао мождани удар"),
    typed("Дијабетес у породици"),
    verdict="eligible",
)
case(
    "Turkish: family history",
    "tr",
    typed("Annemde diyabet var"),
    typed("Babam inme geçirdi"),
    typed("Ailede lupus öyküsü"),
    verdict="eligible",
)
case(
    "English: past tense: a past clot counts, a stopped painkiller and a past pregnancy do not",
    "en",
    typed("History of DVT"),
    took("Stopped ibuprofen last month"),
    typed("Previous pregnancy, delivered 2021"),
    verdict="contraindicated",
    findings=("coagulation-disorder",),
)
case(
    "Serbian: past tense",
    "sr-Latn",
    typed("Ranije tromboza"),
    took("Prestala sam da pijem Brufen"),
    typed("Ranija trudnoća 2019"),
    verdict="contraindicated",
    findings=("coagulation-disorder",),
)
case(
    "Serbian Cyrillic: past tense",
    "sr-Cyrl",
    typed("Раније тромбоза"),
    took("Престала сам да пијем Бруфен"),
    typed("Ранија трудноћа 2019"),
    verdict="contraindicated",
    findings=("coagulation-disorder",),
)
case(
    "Turkish: past tense",
    "tr",
    typed("Daha önce DVT geçirdim"),
    took("Brufen kullanmayı bıraktım"),
    typed("Önceki gebelik 2019"),
    verdict="contraindicated",
    findings=("coagulation-disorder",),
)
case(
    "English: uncertainty is never a denial",
    "en",
    typed("Might be pregnant"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "English: unsure whether pregnant",
    "en",
    observation(text="Unsure whether pregnant"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "English: not sure about a clotting problem",
    "en",
    typed("Not sure if I have a clotting problem"),
    verdict="contraindicated",
    findings=("coagulation-disorder",),
)
case(
    "Serbian: uncertainty",
    "sr-Latn",
    typed("Nisam sigurna da li sam trudna"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Serbian Cyrillic: uncertainty",
    "sr-Cyrl",
    typed("Можда сам трудна"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Turkish: uncertainty",
    "tr",
    typed("Hamile olabilirim"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Turkish: not sure whether pregnant",
    "tr",
    typed("Hamile miyim emin değilim"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "A pregnancy status answered in words: not sure",
    "en",
    status_said(PREGNANCY_STATUS, "Not sure"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "English: one-letter typos in longer words",
    "en",
    typed("Pregnacy confirmed"),
    typed("Diabtes type 2"),
    took("Warfrin 3 mg"),
    verdict="contraindicated",
    findings=("pregnancy", "diabetes", "anticoagulant-therapy"),
    steps=("ask-prescriber",),
)
case(
    "Serbian: one-letter typos",
    "sr-Latn",
    typed("Dijabetis tip 2"),
    typed("Hemofillija"),
    verdict="contraindicated",
    findings=("diabetes", "coagulation-disorder"),
)
case(
    "Serbian Cyrillic: one-letter typos",
    "sr-Cyrl",
    typed("Дијабетис"),
    verdict="review",
    findings=("diabetes",),
)
case(
    "Turkish: one-letter typos",
    "tr",
    took("Varfarim 5 mg"),
    verdict="review",
    findings=("anticoagulant-therapy",),
    steps=("ask-prescriber",),
)
case(
    "A word one letter from a known one but itself a real word is no typo: an injection",
    "en",
    typed("Injection site bruise last year", unrecognised=True),
    took("Inulin fibre supplement", unrecognised=True),
    verdict="review",
    findings=("unrecognised",),
)
case(
    "English: yes and no answers written as text",
    "en",
    observation(text="Pregnant: yes"),
    observation(text="Breastfeeding - no"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Serbian: yes and no answers",
    "sr-Latn",
    observation(text="Trudnoća: ne"),
    observation(text="Dojenje: da"),
    verdict="contraindicated",
    findings=("breastfeeding",),
)
case(
    "Serbian Cyrillic: yes and no answers",
    "sr-Cyrl",
    observation(text="Трудноћа: да"),
    observation(text="Дојење - не"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Turkish: yes and no answers",
    "tr",
    observation(text="Gebelik: hayır"),
    observation(text="Emzirme: evet"),
    verdict="contraindicated",
    findings=("breastfeeding",),
)
case(
    "Status questions answered in words in each language",
    "sr-Latn",
    status_said(PREGNANCY_STATUS, "ne"),
    status_said(BREASTFEEDING_STATUS, "da"),
    verdict="contraindicated",
    findings=("breastfeeding",),
)
case(
    "English: a pseudo-negation and a terminator",
    "en",
    typed("No change in her lupus"),
    typed("No fever but pregnant"),
    verdict="contraindicated",
    findings=("autoimmune-disease", "pregnancy"),
)
case(
    "Serbian: a terminator",
    "sr-Latn",
    typed("Nema temperaturu ali je trudna"),
    verdict="contraindicated",
    findings=("pregnancy",),
)
case(
    "Turkish: a terminator",
    "tr",
    typed("Ateş yok ama hamile"),
    verdict="contraindicated",
    findings=("pregnancy",),
)

# --- Ingredients: allergies recognised now, component allergy once a plan names them -------------
case(
    "English: allergies to lidocaine and hyaluronic acid against the revitalising plan",
    "en",
    allergic("Lidocaine"),
    allergic("Hyaluronic acid - rash"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "Serbian: allergies to lidocaine and hyaluronic acid against the revitalising plan",
    "sr-Latn",
    allergic("Alergija na lidokain"),
    allergic("Hijaluronska kiselina"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "Serbian Cyrillic: allergies to lidocaine and hyaluronic acid against the revitalising plan",
    "sr-Cyrl",
    allergic("Алергија на лидокаин"),
    allergic("Хијалуронска киселина"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "Turkish: allergies to lidocaine and hyaluronic acid against the revitalising plan",
    "tr",
    allergic("Lidokain alerjisi"),
    allergic("Hyalüronik asit"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "English: an allergy to '-caine' anaesthetics covers the numbing cream",
    "en",
    allergic("Allergic to -caine local anaesthetics"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "Serbian: local anaesthetics",
    "sr-Latn",
    allergic("Lokalni anestetici"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "Serbian Cyrillic: local anaesthetics, without a plan: recognised, no finding",
    "sr-Cyrl",
    allergic("Локални анестетици"),
    verdict="eligible",
    numbing_cream=False,
)
case(
    "Turkish: local anaesthetics",
    "tr",
    allergic("Lokal anestezikler"),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy",),
    numbing_cream=False,
)
case(
    "English: soy covers phosphatidylcholine from soy",
    "en",
    allergy((SNOMED, "256355007", "Soy bean")),
    plan="lipolysis",
    verdict="contraindicated",
    findings=("component-allergy",),
)
case(
    "Serbian: soy",
    "sr-Latn",
    allergic("Soja"),
    plan="lipolysis",
    verdict="contraindicated",
    findings=("component-allergy",),
)
case(
    "Serbian Cyrillic: phosphatidylcholine",
    "sr-Cyrl",
    allergic("Фосфатидилхолин"),
    plan="lipolysis",
    verdict="contraindicated",
    findings=("component-allergy",),
)
case(
    "Turkish: soy lecithin",
    "tr",
    allergic("Soya lesitini"),
    plan="lipolysis",
    verdict="contraindicated",
    findings=("component-allergy",),
)
case(
    "An allergy to bile salts meets the deoxycholate of the lipolysis plan",
    "en",
    allergic("Bile salts"),
    plan="lipolysis",
    verdict="contraindicated",
    findings=("component-allergy",),
)
case(
    "Allergies to ingredients the plan does not contain: recognised, nothing found",
    "en",
    allergic("Organic silicon"),
    allergic("Hyaluronidase"),
    plan="lipolysis",
    verdict="eligible",
)
case(
    "A denied lidocaine allergy is no allergy",
    "en",
    allergic("No allergy to lidocaine"),
    plan="revitalising",
    verdict="eligible",
)
case(
    "An allergy to vitamin B12 is no allergy to vitamin C",
    "en",
    allergic("Vitamin B12 (cyanocobalamin)"),
    plan="revitalising",
    verdict="eligible",
)
case(
    "A minor with lidocaine allergy coded, against the plan",
    "code",
    allergy((SNOMED, "387480006", "Lidocaine")),
    plan="revitalising",
    verdict="contraindicated",
    findings=("component-allergy", "minor"),
    numbing_cream=False,
    born="2010-06-01",
)


def fhir_resources() -> tuple[dict[str, list[dict]], list[dict]]:
    """The NDJSON lines per resource type, and the expectations per patient."""
    lines: dict[str, list[dict]] = defaultdict(list)
    expected = []
    for number, entry in enumerate(CASES, start=1):
        patient_id = f"rs-{number:03d}"
        lines["Patient"].append(
            {
                "resourceType": "Patient",
                "id": patient_id,
                "name": [{"family": "Case", "given": [f"No {number}"]}],
                "gender": "female",
                "birthDate": entry["born"],
            }
        )
        unrecognised = []
        for index, record in enumerate(entry["records"], start=1):
            resource = dict(record.resource)
            resource["id"] = f"{patient_id}-{index}"
            key = "patient" if resource["resourceType"] == "AllergyIntolerance" else "subject"
            resource[key] = {"reference": f"Patient/{patient_id}"}
            lines[resource["resourceType"]].append(resource)
            if record.unrecognised:
                unrecognised.append(f"{resource['resourceType']}/{resource['id']}")
        expected.append(
            {
                "patient": patient_id,
                "about": entry["about"],
                "language": entry["language"],
                "plan": entry["plan"],
                "verdict": entry["verdict"],
                "findings": entry["findings"],
                "unrecognised": unrecognised,
                "steps": entry["steps"],
                "numbing_cream": entry["numbing_cream"],
            }
        )
    return lines, expected


def main() -> None:
    lines, expected = fhir_resources()
    for resource_type, resources in lines.items():
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in resources)
        (HERE / f"{resource_type}.ndjson").write_text(text, encoding="utf-8")
    document = {
        "on": "2026-11-21",
        "session": "2026-11-21T10:00:00+01:00",
        "protocol": "standard",
        "plans": PLANS,
        "patients": expected,
    }
    (HERE / "expected.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(expected)} patients written to {HERE}")


if __name__ == "__main__":
    main()
