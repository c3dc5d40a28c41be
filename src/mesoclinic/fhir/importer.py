"""The FHIR importer: validated resources → patient records, updating what an earlier run made."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, models, transaction

from mesoclinic.accounts.models import Clinic, User
from mesoclinic.audit.domain import audit_event, audit_record
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.fhir.calendar_import import CALENDAR, CalendarImport, is_course
from mesoclinic.fhir.clinical_import import CLINICAL, ClinicalImport
from mesoclinic.fhir.from_fhir import Rejected, patient_fields
from mesoclinic.fhir.held import is_held
from mesoclinic.fhir.held import refusal as held_refusal
from mesoclinic.fhir.kinds import HISTORY, SUPPORTED, SUPPORTING, HistoryKind
from mesoclinic.fhir.r4 import SHOWN, problems
from mesoclinic.fhir.received import keep
from mesoclinic.fhir.session_import import SESSIONS, SessionImport
from mesoclinic.fhir.sources import Entry, Reading
from mesoclinic.fhir.to_fhir import ReadIdentifier, patient_resource
from mesoclinic.inventory.fhir import catalogue_kind
from mesoclinic.patients.models import EnteredBy, Patient, PatientIdentifier, fill_search_keys
from mesoclinic.rows import insert_objects, insert_rows

BATCH = 250
UNSUPPORTED = "{type} is not imported; mesoclinic imports {supported}"
# Every type an import reads, in the order it reads them.
IMPORTED = tuple(dict.fromkeys((*SUPPORTED, *CLINICAL, *CALENDAR, *SESSIONS)))
NO_ID = "the resource has no id, so a later import could not find it again"
Resource = dict[str, Any]


@dataclass
class ImportReport:
    """What a run did, per resource type, and every line it rejected with the reason."""

    imported: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, entry: Entry, reason: str) -> None:
        where = f"Bundle entry {entry.line}: " if entry.full_url else ""
        self.rejected.append({"file": entry.file, "line": entry.line, "reason": where + reason})

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": dict(self.imported),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "rejected": self.rejected,
        }


def invalid_reason(resource: Resource) -> str | None:
    """Why `resource` is not valid FHIR R4 (4.0.1), naming each element's path, or None."""
    found = problems(resource)
    if not found:
        return None
    more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return f"invalid R4 {resource['resourceType']}: " + "; ".join(found[:SHOWN]) + more


def check_lengths(model: type[models.Model], fields: dict[str, Any]) -> None:
    """Reject values longer than the record keeps rather than cutting them short."""
    for name, value in fields.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise Rejected(f"{name.replace('_', ' ')} is longer than {limit} characters")


def chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Importer:
    """Imports the entries of one run into one clinic; `report` tells what happened."""

    def __init__(self, clinic: Clinic, actor: User | None, reading: Reading) -> None:
        self.clinic = clinic
        self.actor = actor
        self.report = ImportReport(rejected=list(reading.rejected))
        self.entries = reading.entries
        self.full_urls: dict[str, tuple[str, str]] = {}
        self.medications: dict[str, Resource] = {}
        self.medication_entries: list[Entry] = []
        # Source id → our patient's pk, for this run's patients and the clinic's earlier ones.
        self.patients: dict[str, int] = {}
        self.patient_ids: dict[int, str] = {}
        self.received: list[tuple[Resource, Resource]] = []

    def run(self) -> ImportReport:
        """Import Patients first so that every other resource can find its patient."""
        by_type = self._valid_entries_by_type()
        for batch in chunks(by_type.pop("Patient", [])):
            self._import_patients(batch)
        clinical = {t: by_type.pop(t, []) for t in CLINICAL}
        calendar = {t: by_type.pop(t, []) for t in CALENDAR}
        sessions = {t: by_type.pop(t, []) for t in SESSIONS}
        for resource_type, entries in by_type.items():
            self._import_history(HISTORY[resource_type], entries)
        calendar["CarePlan"] = [e for e in clinical["CarePlan"] if is_course(e.resource)]
        made = CalendarImport(self)
        made.run(calendar)
        ClinicalImport(self).run(self.medication_entries, clinical, made)
        SessionImport(self).run(sessions)
        self._keep_supporting()
        return self.report

    def _keep_supporting(self) -> None:
        """Medications other resources name, which are not the catalogue's: kept as received."""
        outside: dict[str, tuple[Resource, Resource]] = {
            e.resource["id"]: (e.resource, {})
            for e in self.medication_entries
            if not catalogue_kind(e.resource)
        }
        with transaction.atomic():
            keep(self.clinic, list(outside.values()))

    def _valid_entries_by_type(self) -> dict[str, list[Entry]]:
        """Entries of supported types that are valid FHIR, last one kept per type and id."""
        kept: dict[str, dict[str, Entry]] = defaultdict(dict)
        for entry in self.entries:
            resource_type = entry.resource["resourceType"]
            if resource_type == "ConceptMap":
                # The clinic's own mappings, met again in its own export.
                if is_held(self.clinic, entry.resource):
                    self.report.unchanged[resource_type] += 1
                else:
                    self.report.reject(entry, held_refusal(entry.resource))
                continue
            reason = self._why_not(entry)
            if reason:
                self.report.reject(entry, reason)
                continue
            resource = entry.resource
            key = f"{resource['resourceType']}/{resource['id']}"
            if entry.full_url:
                self.full_urls[entry.full_url] = (resource["resourceType"], resource["id"])
            if resource["resourceType"] in SUPPORTING:
                self.medications[key] = self.medications[entry.full_url or key] = resource
                self.medication_entries.append(entry)
                continue
            earlier = kept[resource["resourceType"]].pop(resource["id"], None)
            if earlier:
                self.report.reject(earlier, f"{key} appears again at {entry.file}:{entry.line}")
            kept[resource["resourceType"]][resource["id"]] = entry
        order = [t for t in IMPORTED if t in kept]
        return {t: list(kept[t].values()) for t in order}

    def _why_not(self, entry: Entry) -> str | None:
        resource_type = entry.resource["resourceType"]
        if resource_type not in (*IMPORTED, *SUPPORTING):
            supported = ", ".join(IMPORTED)
            return UNSUPPORTED.format(type=resource_type, supported=supported)
        if not entry.resource.get("id"):
            return NO_ID
        return invalid_reason(entry.resource)

    def _import_patients(self, entries: list[Entry]) -> None:
        """One transaction per batch: new patients in a few inserts, the others one by one."""
        ids = [e.resource["id"] for e in entries]
        existing = {
            p.fhir_id: p
            for p in Patient.objects.filter(clinic=self.clinic, fhir_id__in=ids).prefetch_related(
                "identifiers"
            )
        }
        self.received = []
        with transaction.atomic():
            new = []
            for entry in entries:
                if entry.resource["id"] in existing:
                    self._import_patient(entry, existing[entry.resource["id"]])
                else:
                    new.append(entry)
            self._create_patients(new)
            keep(self.clinic, self.received)

    def _create_patients(self, entries: list[Entry]) -> None:
        """Create the batch's new patients, their identifiers and audit rows in one insert each;
        if the database refuses one, each is saved on its own so that only that one is lost."""
        mapped = [m for m in (self._patient_fields(e) for e in entries) if m is not None]
        try:
            with transaction.atomic():
                patients = [
                    Patient(clinic=self.clinic, fhir_id=e.resource["id"], **fields)
                    for e, fields, _ in mapped
                ]
                # Bulk creation skips save(), which fills the search keys.
                for patient in patients:
                    fill_search_keys(patient)
                insert_objects(patients)
                self._number(patients)
                insert_rows(
                    PatientIdentifier,
                    ("patient", "system", "value", "type_text"),
                    [
                        (patient.pk, s, v, t)
                        for patient, (_, _, identifiers) in zip(patients, mapped, strict=True)
                        for s, v, t in identifiers
                    ],
                )
                AuditEvent.objects.bulk_create(
                    audit_event(
                        by=self.actor,
                        action=Action.CREATE,
                        obj=patient,
                        summary="FHIR import created",
                        patient_id=patient.pk,
                    )
                    for patient in patients
                )
        except DatabaseError:
            for entry, _, _ in mapped:
                self._import_patient(entry, None)
            return
        for patient, (entry, _, identifiers) in zip(patients, mapped, strict=True):
            self._imported_patient(entry, patient, identifiers, "imported")

    def _number(self, patients: list[Patient]) -> None:
        """The new patients' numbers, where the database does not return them from an insert."""
        if all(p.pk is not None for p in patients):
            return
        numbers = dict(
            Patient.objects.filter(
                clinic=self.clinic, fhir_id__in=[p.fhir_id for p in patients]
            ).values_list("fhir_id", "pk")
        )
        for patient in patients:
            patient.pk = numbers[patient.fhir_id]

    def _patient_fields(
        self, entry: Entry
    ) -> tuple[Entry, dict[str, Any], list[tuple[str, str, str]]] | None:
        """(entry, fields, identifiers once each), or None after rejecting the entry."""
        try:
            fields, identifiers = patient_fields(entry.resource)
            check_lengths(Patient, fields)
            for system, value, type_text in identifiers:
                check_lengths(
                    PatientIdentifier, {"system": system, "value": value, "type_text": type_text}
                )
        except Rejected as rejected:
            self.report.reject(entry, str(rejected))
            return None
        # One value per system is unique for a patient; a repeated pair is kept once.
        unique = list({(s, v): (s, v, t) for s, v, t in identifiers}.values())
        return entry, fields, unique

    def _import_patient(self, entry: Entry, patient: Patient | None) -> None:
        mapped = self._patient_fields(entry)
        if mapped is None:
            return
        _, fields, identifiers = mapped
        try:
            with transaction.atomic():
                patient, outcome = self._save_patient(entry, patient, fields, identifiers)
        except DatabaseError as error:
            self.report.reject(entry, f"could not be saved: {error}")
            return
        self._imported_patient(entry, patient, identifiers, outcome)

    def _imported_patient(
        self,
        entry: Entry,
        patient: Patient,
        identifiers: list[tuple[str, str, str]],
        outcome: str,
    ) -> None:
        getattr(self.report, outcome)["Patient"] += 1
        self.patients[patient.fhir_id] = patient.pk
        self.patient_ids[patient.pk] = patient.fhir_id
        held = [ReadIdentifier(*identifier) for identifier in identifiers]
        self.received.append((entry.resource, patient_resource(patient, held)))

    def _save_patient(
        self,
        entry: Entry,
        patient: Patient | None,
        fields: dict[str, Any],
        identifiers: list[tuple[str, str, str]],
    ) -> tuple[Patient, str]:
        """Create, update or leave the patient, audit what changed, and say which it was;
        `identifiers` come once each."""
        unique = identifiers
        if patient is None:
            patient = Patient.objects.create(
                clinic=self.clinic, fhir_id=entry.resource["id"], **fields
            )
            self._save_identifiers(patient, unique)
            self._audit_patient(Action.CREATE, patient)
            return patient, "imported"
        held = [(i.system, i.value, i.type_text) for i in patient.identifiers.all()]
        if _same(patient, fields) and sorted(held) == sorted(unique):
            return patient, "unchanged"
        for name, value in fields.items():
            setattr(patient, name, value)
        patient.save()
        patient.identifiers.all().delete()
        self._save_identifiers(patient, unique)
        self._audit_patient(Action.UPDATE, patient)
        return patient, "updated"

    def _save_identifiers(self, patient: Patient, identifiers: list[tuple[str, str, str]]) -> None:
        PatientIdentifier.objects.bulk_create(
            PatientIdentifier(patient=patient, system=s, value=v, type_text=t)
            for s, v, t in identifiers
        )

    def _audit_patient(self, action: Action, patient: Patient) -> None:
        verb = "created" if action == Action.CREATE else "updated"
        audit_record(
            by=self.actor,
            action=action,
            obj=patient,
            summary=f"FHIR import {verb}",
            patient_id=patient.pk,
        )

    def _import_history(self, kind: HistoryKind, entries: list[Entry]) -> None:
        """Map every entry, find its patient, then write in batches."""
        self._load_patients([self._patient_reference(kind, e) for e in entries])
        mapped = [m for m in (self._map(kind, e) for e in entries) if m is not None]
        for batch in chunks(mapped):
            try:
                with transaction.atomic():
                    self._count(kind, self._write_history(kind, batch))
            except DatabaseError:
                # Find the one that the database refuses, and keep the others.
                for one in batch:
                    self._write_one(kind, one)

    def _write_one(self, kind: HistoryKind, one: tuple[Entry, int, dict[str, Any]]) -> None:
        try:
            with transaction.atomic():
                self._count(kind, self._write_history(kind, [one]))
        except DatabaseError as error:
            self.report.reject(one[0], f"could not be saved: {error}")

    def _count(self, kind: HistoryKind, outcome: Counter[str]) -> None:
        """Add a committed batch's counts: a batch rolled back must not count."""
        for name in ("imported", "updated", "unchanged"):
            if outcome[name]:
                getattr(self.report, name)[kind.resource_type] += outcome[name]

    def _map(self, kind: HistoryKind, entry: Entry) -> tuple[Entry, int, dict[str, Any]] | None:
        """(entry, patient pk, fields), or None after rejecting the entry with the reason."""
        try:
            patient_id = self._resolve_patient(kind, entry)
            fields = kind.from_fhir(entry.resource, self.medications)
            check_lengths(kind.model, fields)
        except Rejected as rejected:
            self.report.reject(entry, str(rejected))
            return None
        return entry, patient_id, fields

    def _patient_reference(self, kind: HistoryKind, entry: Entry) -> str:
        reference: str = (entry.resource.get(kind.subject) or {}).get("reference", "")
        return reference

    def _resolve_patient(self, kind: HistoryKind, entry: Entry) -> int:
        reference = self._patient_reference(kind, entry)
        if not reference:
            raise Rejected(f"{kind.subject} names no patient by reference")
        if reference.startswith("#"):
            raise Rejected(f"its patient {reference!r} is contained in it; send the Patient itself")
        resource_type, source_id = self._target(reference)
        if resource_type not in ("Patient", None):
            raise Rejected(f"{kind.subject} {reference!r} is not a Patient")
        if source_id not in self.patients:
            raise Rejected(f"patient {reference!r} is neither in this import nor in the clinic")
        return self.patients[source_id]

    def _target(self, reference: str) -> tuple[str | None, str]:
        """(type, id) a reference points at: a Bundle's fullUrl, `Type/id`, URL or urn:uuid."""
        if reference in self.full_urls:
            return self.full_urls[reference]
        if reference.startswith("urn:uuid:"):
            return None, reference.removeprefix("urn:uuid:")
        parts = reference.split("/_history/")[0].split("/")
        return (parts[-2], parts[-1]) if len(parts) >= 2 else (None, reference)

    def _load_patients(self, references: list[str]) -> None:
        """Look up, in a few queries, the earlier imported patients these references name."""
        wanted = {self._target(r)[1] for r in references if r} - self.patients.keys()
        for ids in chunks(sorted(wanted), 500):
            found = list(
                Patient.objects.filter(clinic=self.clinic, fhir_id__in=ids).values_list(
                    "fhir_id", "pk"
                )
            )
            self.patients.update(found)
            self.patient_ids.update((pk, fhir_id) for fhir_id, pk in found)

    def _write_history(
        self, kind: HistoryKind, batch: list[tuple[Entry, int, dict[str, Any]]]
    ) -> Counter[str]:
        """Create the new, update the changed and count the unchanged rows; audit per patient."""
        ids = [entry.resource["id"] for entry, _, _ in batch]
        existing = {
            row.fhir_id: row
            for row in kind.rows().filter(patient__clinic=self.clinic, fhir_id__in=ids)
        }
        new, touched, outcome = [], Counter[int](), Counter[str]()
        received = []
        for entry, patient_id, fields in batch:
            row = existing.get(entry.resource["id"])
            if row is None:
                row = _new_row(kind, entry, patient_id, fields)
                new.append(row)
                touched[patient_id] += 1
            elif row.patient_id == patient_id and _same(row, fields):
                outcome["unchanged"] += 1
            else:
                _update_row(row, patient_id, fields)
                outcome["updated"] += 1
                touched[patient_id] += 1
            row.patient = Patient(pk=patient_id, fhir_id=self._patient_fhir_id(patient_id))
            received.append((entry.resource, kind.to_fhir(row)))
        insert_objects(new)
        keep(self.clinic, received)
        outcome["imported"] = len(new)
        self._audit_history(kind, touched)
        return outcome

    def _patient_fhir_id(self, patient_id: int) -> str:
        if patient_id not in self.patient_ids:
            found = Patient.objects.filter(pk=patient_id).values_list("fhir_id", flat=True)
            self.patient_ids[patient_id] = found.get()
        return self.patient_ids[patient_id]

    def _audit_history(self, kind: HistoryKind, touched: Counter[int]) -> None:
        """One update row per patient whose history this batch changed, in one insert."""
        AuditEvent.objects.bulk_create(
            audit_event(
                by=self.actor,
                action=Action.UPDATE,
                obj=Patient(pk=patient_id, clinic=self.clinic),
                summary=f"FHIR import: {count} {kind.resource_type} created or updated",
                patient_id=patient_id,
            )
            for patient_id, count in touched.items()
        )


def _same(row: Any, fields: dict[str, Any]) -> bool:
    return all(getattr(row, name) == value for name, value in fields.items())


def _new_row(kind: HistoryKind, entry: Entry, patient_id: int, fields: dict[str, Any]) -> Any:
    return kind.model(
        patient_id=patient_id,
        fhir_id=entry.resource["id"],
        entered_by=EnteredBy.IMPORT,
        **{**kind.filters, **fields},
    )


def _update_row(row: Any, patient_id: int, fields: dict[str, Any]) -> None:
    row.patient_id = patient_id
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
