"""Reads of the patient record shared by the pages and the command line."""

import base64
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.facts import HistoryRecord
from mesoclinic.clinical.freetext import words
from mesoclinic.clinical.recognition import Understanding, understand
from mesoclinic.clinical.statuses import Standing, standing
from mesoclinic.clinical.teaching import Lesson, Taught
from mesoclinic.patients.access import patients_visible_to
from mesoclinic.patients.facts import allergy_record, condition_record, medication_record
from mesoclinic.patients.models import (
    Allergy,
    ClinicMapping,
    Condition,
    EnteredBy,
    Medication,
    Observation,
    Patient,
    phone_key,
    search_key,
)
from mesoclinic.patients.phones import phone_search_digits

NO_SUCH_PATIENT = "no patient has the id or FHIR id {key!r}{where}"
SEVERAL_PATIENTS = (
    "{count} patients in different clinics have the FHIR id {key!r}; "
    "say which clinic with --clinic (ids: {clinics})"
)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")
# Three digits or more read as a phone number; fewer could be part of a name ("Louis 2").
PHONE = re.compile(r"^\+?[\d\s()./-]{3,}$")


# Sorting by name through Lower() (the keys are lower case already) keeps the database from
# walking the whole clinic in name order instead of looking up the few patients that match.
BY_NAME_AFTER_FILTER = (Lower("family_key"), Lower("given_key"), "id")
# The kinds of record whose not recognising can hold a verdict at review, and how each is read.
UNRECOGNISABLE: tuple[tuple[str, type[Condition | Medication | Allergy]], ...] = (
    ("condition", Condition),
    ("medication", Medication),
    ("allergy", Allergy),
)


class PatientNotFound(LookupError):
    """No patient, or more than one, answers to the key given."""


def find_patient(
    user: User | None, key: str, clinic: Clinic | None = None, *, purpose: str = "screen"
) -> Patient:
    """The patient whose internal id or imported FHIR id is `key`; the read is audited.

    `user` None means the system (the command line), which may look in every clinic.
    """
    patients = Patient.objects.all() if user is None else patients_visible_to(user)
    if clinic is not None:
        patients = patients.filter(clinic=clinic)
    # Longer digit strings cannot be a database id (64-bit), only a FHIR id.
    found = list(patients.filter(pk=int(key))) if key.isdigit() and len(key) < 19 else []
    found = found or list(patients.filter(fhir_id=key).order_by("pk")[:10])
    if not found:
        where = f" in clinic {clinic.pk} ({clinic})" if clinic else ""
        raise PatientNotFound(NO_SUCH_PATIENT.format(key=key, where=where))
    if len(found) > 1:
        clinics = ", ".join(str(p.clinic_id) for p in found)
        raise PatientNotFound(SEVERAL_PATIENTS.format(count=len(found), key=key, clinics=clinics))
    patient = found[0]
    audit_record(by=user, action=Action.READ, obj=patient, summary=purpose, patient_id=patient.pk)
    return patient


def search_patients(user: User, query: str) -> QuerySet[Patient]:
    """The patients `user` may see that match `query`: a birth date, a phone number or names."""
    patients = patients_visible_to(user)
    query = query.strip()
    if not query:
        # The whole clinic in name order: the (clinic, family_key, given_key, id) index walks it.
        return patients.order_by("family_key", "given_key", "id")
    birth_date = parse_date(query)
    if birth_date is not None:
        return patients.filter(birth_date=birth_date).order_by(*BY_NAME_AFTER_FILTER)
    if PHONE.match(query):
        digits = phone_search_digits(query, user.clinic.country)
        return patients.filter(starts_with("phone_key", digits)).order_by("phone_key", "id")
    words = search_key(query)
    if not words:
        # Only punctuation or symbols: nothing in a name can match.
        return patients.none()
    return patients.filter(names_match(words)).order_by(*BY_NAME_AFTER_FILTER)


def names_match(words: str) -> Q:
    """What was typed begins a name ("o bri"), or each word begins one ("wil gr")."""
    first, *others = words.split()
    # Every match begins a name with the first word: the indexes find those, the rest filters.
    match = begins_a_name(first)
    if not others:
        return match
    each_word = Q()
    for word in others:
        each_word &= begins_a_name(word)
    return match & (begins_a_name(words) | each_word)


def begins_a_name(prefix: str) -> Q:
    return starts_with("family_key", prefix) | starts_with("given_key", prefix)


def starts_with(field: str, prefix: str) -> Q:
    """`field` begins with `prefix`, written so the database answers it from the field's index."""
    if connection.vendor == "postgresql":
        # Django gives indexed text fields a pattern-ops index on PostgreSQL, which serves LIKE.
        return Q(**{f"{field}__startswith": prefix})
    # SQLite's LIKE ignores case and so cannot use a plain index; a range on the key can. The
    # bound is the last code point, so names in any script (beyond U+FFFF too) fall inside it.
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + chr(0x10FFFF)})


def parse_date(text: str) -> dt.date | None:
    """A date typed as 2026-11-21, 21/11/2026 or 21.11.2026, else None."""
    for layout in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, layout).date()  # noqa: DTZ007 -- a day, no time
        except ValueError:
            continue
    return None


def awaiting_confirmation(user: User) -> QuerySet[Patient]:
    """The patients `user` may see who have entries from the patient no one has confirmed.

    The waiting entries come from each kind's partial index; only their patients are read.
    """
    waiting = [
        model.objects.filter(entered_by=EnteredBy.PATIENT, confirmed_at__isnull=True)
        .order_by()
        .values("patient_id")
        for model in (Condition, Medication, Allergy, Observation)
    ]
    first, *others = waiting
    return (
        patients_visible_to(user)
        .filter(pk__in=first.union(*others))
        .order_by("family_key", "given_key", "id")
    )


def has_answered_intake(patient: Patient) -> bool:
    """Whether `patient` has sent the intake questionnaire at least once."""
    return patient.questionnaire_responses.exists()


def clinic_taught(clinic: Clinic | int) -> Taught:
    """The mappings that apply now in `clinic`, as screening reads them (one query)."""
    current = ClinicMapping.objects.filter(clinic=clinic, retired_at__isnull=True)
    return Taught(
        tuple(
            Lesson(
                target=m.target,
                system=m.system,
                code=m.code,
                phrase=m.phrase,
                note=mapping_note(m),
            )
            for m in current.select_related("created_by").order_by("pk")
        )
    )


def mapping_note(mapping: ClinicMapping) -> str:
    """How evidence names a mapping: who made it, when, which version, and why."""
    made = (
        f"Clinic mapping v{mapping.version} by {mapping.created_by}, {mapping.created_at:%d %b %Y}"
    )
    return f"{made}: {mapping.note}" if mapping.note else made


def clinic_mappings(clinic: Clinic) -> QuerySet[ClinicMapping]:
    """Every version of every mapping of `clinic`, the current ones first, newest first."""
    return (
        ClinicMapping.objects.filter(clinic=clinic)
        .select_related("created_by", "retired_by")
        .order_by(F("retired_at").desc(nulls_first=True), "-created_at", "-id")
    )


@dataclass(frozen=True)
class UnrecognisedCode:
    """A code (or, for words typed without one, a phrase) screening does not recognise."""

    kind: str
    system: str
    code: str
    phrase: str
    display: str
    patients: int


def history_record(row: Condition | Medication | Allergy) -> HistoryRecord:
    """A condition, medication or allergy as the clinical core reads it."""
    if isinstance(row, Condition):
        return condition_record(row)
    if isinstance(row, Medication):
        return medication_record(row)
    return allergy_record(row)


def unrecognised_codes(clinic: Clinic, taught: Taught) -> list[UnrecognisedCode]:
    """The clinic's conditions, medications and allergies no value set or mapping recognises,
    one row per code or typed phrase, the one most patients carry first (three queries)."""
    carriers: dict[tuple[str, str, str, str], set[int]] = defaultdict(set)
    shown: dict[tuple[str, str, str, str], str] = {}
    for kind, model in UNRECOGNISABLE:
        rows = model.objects.filter(patient__clinic=clinic).order_by("pk")
        for row in rows.iterator(chunk_size=2000):
            record = history_record(row)
            # A record never true (refuted, entered in error, never taken) asks nothing.
            if standing(record) is Standing.NEVER:
                continue
            if understand(record, taught).how is not Understanding.UNRECOGNISED:
                continue
            first = record.codes[0] if record.codes else None
            phrase = "" if first else " ".join(w for w in words(record.text) if w.isalnum())
            key = (kind, first.system if first else "", first.code if first else "", phrase)
            carriers[key].add(row.patient_id)
            shown.setdefault(key, record.name)
    found = [
        UnrecognisedCode(kind, system, code, phrase, shown[key], len(carriers[key]))
        for key in carriers
        for kind, system, code, phrase in [key]
    ]
    return sorted(found, key=lambda c: (-c.patients, c.display.lower(), c.code))


@dataclass
class KeysetPage:
    """One page of a list in its order, and where the pages before and after it begin.

    Each page is found from the last (or first) row of the page before it, by the list's own
    ordering and its index: nothing counts the whole list, nothing skips over rows already seen.
    `after` and `before` are opaque markers for the page's links.
    """

    object_list: list[Patient]
    after: str = ""
    before: str = ""

    def __iter__(self) -> Iterator[Patient]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return bool(self.after)

    @property
    def has_previous(self) -> bool:
        return bool(self.before)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def keyset_page(
    patients: QuerySet[Patient], size: int, *, after: str = "", before: str = ""
) -> KeysetPage:
    """The `size` rows of the ordered `patients` after the marker `after` (or before `before`).

    A marker that cannot be read gives the first page, as a page number past the end would.
    """
    keys = [f"sort_{n}" for n in range(len(patients.query.order_by))]
    ordered = patients.annotate(
        **{
            key: F(term) if isinstance(term, str) else term
            for key, term in zip(keys, patients.query.order_by, strict=True)
        }
    )
    backwards = bool(before) and not after
    marker = _read_marker(before if backwards else after, len(keys))
    if marker is not None:
        ordered = ordered.filter(_beyond(keys, marker, backwards))
    ordering = [f"-{key}" if backwards else key for key in keys]
    rows = list(ordered.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return KeysetPage([])
    first, last = _marker(rows[0], keys), _marker(rows[-1], keys)
    if backwards:
        return KeysetPage(rows, after=last, before=first if more else "")
    return KeysetPage(rows, after=last if more else "", before=first if marker else "")


def _beyond(keys: list[str], values: list[Any], backwards: bool) -> Q:
    """Rows after (or before) the marker in the order of `keys`: (a, b, c) > (x, y, z)."""
    past = "lt" if backwards else "gt"
    beyond = Q()
    for n, key in enumerate(keys):
        same = {keys[m]: values[m] for m in range(n)}
        beyond |= Q(**same, **{f"{key}__{past}": values[n]})
    # The first key's bound on its own lets the index start at the marker.
    return Q(**{f"{keys[0]}__{past}e": values[0]}) & beyond


def _marker(row: Patient, keys: list[str]) -> str:
    values = [getattr(row, key) for key in keys]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _read_marker(text: str, count: int) -> list[Any] | None:
    if not text:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != count:
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        return None
    return values


@dataclass(frozen=True)
class PossibleDuplicate:
    """A patient on record who may be the one being typed in, and what they share."""

    patient: Patient
    reasons: tuple[str, ...]


def possible_duplicates(
    user: User,
    *,
    given_name: str,
    family_name: str,
    birth_date: dt.date | None,
    phone: str,
    email: str,
    other_than: int | None,
) -> list[PossibleDuplicate]:
    """The patients `user` may see with the same name and birth date, phone or email."""
    same: list[tuple[str, Q]] = []
    if birth_date is not None:
        same_name = Q(family_key=search_key(family_name), given_key=search_key(given_name))
        same.append(("the same name and birth date", same_name & Q(birth_date=birth_date)))
    if phone_key(phone):
        same.append(("the same phone number", Q(phone_key=phone_key(phone))))
    if email.strip():
        same.append(("the same email address", Q(email__iexact=email.strip())))
    if not same:
        return []
    anything = Q()
    for _, match in same:
        anything |= match
    patients = patients_visible_to(user).filter(anything)
    if other_than is not None:
        patients = patients.exclude(pk=other_than)
    found = []
    for patient in patients.order_by(*BY_NAME_AFTER_FILTER)[:10]:
        reasons = tuple(
            reason
            for reason, _ in same
            if (
                reason.endswith("birth date")
                and _same_person_name(patient, given_name, family_name, birth_date)
            )
            or (reason.endswith("phone number") and patient.phone_key == phone_key(phone))
            or (reason.endswith("email address") and patient.email.lower() == email.strip().lower())
        )
        found.append(PossibleDuplicate(patient, reasons))
    return found


def _same_person_name(
    patient: Patient, given_name: str, family_name: str, birth_date: dt.date | None
) -> bool:
    return (
        patient.birth_date == birth_date
        and patient.family_key == search_key(family_name)
        and patient.given_key == search_key(given_name)
    )
