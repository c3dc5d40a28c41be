"""Importing what the clinical half exported: the catalogue's Medications, consultations
(Encounter with its ClinicalImpression) and treatment plans (CarePlan), by the ids they left with.

A record already held under the same id imports as unchanged when the export of what is held is
the resource itself; a signed consultation or its plan is never changed by an import.
"""

import json
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction

from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinics.models import Practitioner
from mesoclinic.fhir.calendar_import import CalendarImport, is_course
from mesoclinic.fhir.from_fhir import Rejected
from mesoclinic.fhir.held import is_held
from mesoclinic.fhir.narrative import with_narrative
from mesoclinic.fhir.sources import Entry
from mesoclinic.inventory import fhir as catalogue
from mesoclinic.inventory.domain import product_save
from mesoclinic.inventory.models import Lot, Product
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.treatments import fhir as clinical
from mesoclinic.treatments.models import (
    Consultation,
    PlanArea,
    PlanAreaProduct,
    TreatmentPlan,
)
from mesoclinic.treatments.queries import loaded_plan

if TYPE_CHECKING:
    from mesoclinic.fhir.importer import Importer

Resource = dict[str, Any]
CLINICAL = ("Encounter", "ClinicalImpression", "CarePlan")
HELD_OTHERWISE = (
    "{what} {id} is held with other contents; a consultation record and its plan are changed "
    "on their pages, never by an import"
)
COURSE_NOT_IMPORTED = "CarePlan {id} is a course this clinic does not hold"
NOT_OURS = "{type} {id} is not a mesoclinic {what} (no identifier of {system})"


class ClinicalImport:
    """Imports the clinical half's resources of one run into its importer's clinic."""

    def __init__(self, importer: "Importer") -> None:
        self.importer = importer
        self.clinic = importer.clinic
        self.report = importer.report

    def run(
        self, medications: list[Entry], by_type: dict[str, list[Entry]], calendar: CalendarImport
    ) -> None:
        self._catalogue(medications)
        self._consultations(by_type["Encounter"], by_type["ClinicalImpression"])
        plans = [e for e in by_type["CarePlan"] if not is_course(e.resource)]
        for entry in plans:
            self._each(entry, "CarePlan", self._plan)
        for entry in by_type["CarePlan"]:
            if entry in plans or entry.resource["id"] in calendar.courses_seen:
                continue
            if entry.resource["id"] in calendar.courses_made:
                # Counted as imported with the calendar; only its treatment plan is left.
                if entry.resource.get("basedOn"):
                    self._each(entry, "", self._course_basis)
            else:
                self._each(entry, "CarePlan", self._course_basis)

    def _catalogue(self, medications: list[Entry]) -> None:
        """Products first, so that their lots find them."""
        kinds: dict[str, list[Entry]] = {"product": [], "lot": []}
        for entry in medications:
            kind = catalogue.catalogue_kind(entry.resource)
            if kind:
                kinds[kind].append(entry)
        for entry in kinds["product"]:
            self._each(entry, "Medication", self._product)
        for entry in kinds["lot"]:
            self._each(entry, "Medication", self._lot)

    def _consultations(self, encounters: list[Entry], impressions: list[Entry]) -> None:
        """Each Encounter with the ClinicalImpression of the same id."""
        by_id = {e.resource["id"]: e for e in impressions}
        self.importer._load_patients(
            [e.resource.get("subject", {}).get("reference", "") for e in encounters]
        )
        for entry in encounters:
            impression = by_id.pop(entry.resource["id"], None)
            self._each(entry, "Encounter", partial(self._consultation, impression=impression))
        for entry in by_id.values():
            self.report.reject(
                entry, "its consultation's Encounter (same id) is not in this import"
            )

    def _each(self, entry: Entry, counted: str, write: Any) -> None:
        try:
            with transaction.atomic():
                outcome = write(entry)
        except (Rejected, catalogue.NotOurs, ValueError, KeyError) as refused:
            self.report.reject(entry, str(refused))
            return
        except DatabaseError as error:
            self.report.reject(entry, f"could not be saved: {error}")
            return
        if counted:
            getattr(self.report, outcome)[counted] += 1

    # The catalogue

    def _product(self, entry: Entry) -> str:
        resource = entry.resource
        fields, ingredients = catalogue.product_fields(resource)
        held = Product.objects.filter(clinic=self.clinic, fhir_id=resource["id"]).first()
        if held is not None and _same(catalogue.product_to_fhir(held), resource):
            return "unchanged"
        if (
            held is None
            and Product.objects.filter(clinic=self.clinic, name=fields["name"]).exists()
        ):
            raise Rejected(f"the catalogue already has a product named {fields['name']!r}")
        saved = product_save(
            clinic=self.clinic,
            product=held,
            **fields,
            ingredients=ingredients,
            by=self.importer.actor,
        )
        Product.objects.filter(pk=saved.pk).update(fhir_id=resource["id"])
        return "imported" if held is None else "updated"

    def _lot(self, entry: Entry) -> str:
        resource = entry.resource
        product_id, fields = catalogue.lot_fields(resource)
        product = Product.objects.filter(clinic=self.clinic, fhir_id=product_id).first()
        if product is None:
            raise Rejected(
                f"its product Medication/{product_id} is neither in this import nor in the clinic"
            )
        held = (
            Lot.objects.filter(clinic=self.clinic, fhir_id=resource["id"])
            .select_related("product")
            .first()
        )
        if held is not None and _same(catalogue.lot_to_fhir(held), resource):
            return "unchanged"
        lot = held or Lot(clinic=self.clinic, fhir_id=resource["id"])
        lot.product = product
        for name, value in fields.items():
            setattr(lot, name, value)
        lot.save()
        action = Action.CREATE if held is None else Action.UPDATE
        audit_record(
            by=self.importer.actor, action=action, obj=lot, summary=f"FHIR import of {lot}"
        )
        return "imported" if held is None else "updated"

    # Consultations

    def _consultation(self, entry: Entry, *, impression: Entry | None) -> str:
        resource = entry.resource
        _ours(resource, clinical.CONSULTATION_SYSTEM, "consultation")
        held = Consultation.objects.filter(clinic=self.clinic, fhir_id=resource["id"]).first()
        if held is not None:
            return self._unchanged(held, resource, impression)
        patient_id = self._patient(resource["subject"]["reference"])
        practitioner = self._practitioner(resource["participant"][0]["individual"]["reference"])
        consultation = Consultation(
            clinic=self.clinic,
            patient_id=patient_id,
            practitioner=practitioner,
            appointment=self._appointment(resource, patient_id),
            concerns=next((r.get("text", "") for r in resource.get("reasonCode", [])), ""),
            areas=[
                e["valueString"]
                for e in resource.get("extension", [])
                if e["url"] == clinical.AREAS_EXT
            ],
            fhir_id=resource["id"],
            created_by=self.importer.actor,
        )
        if impression is not None:
            _assessment_from(consultation, impression.resource)
        end = resource.get("period", {}).get("end")
        if resource.get("status") == "finished" and end:
            consultation.signed_at = datetime.fromisoformat(end)
            consultation.signed_by = practitioner.user
        consultation.save()
        started = datetime.fromisoformat(resource["period"]["start"])
        Consultation.objects.filter(pk=consultation.pk).update(created_at=started)
        audit_record(
            by=self.importer.actor,
            action=Action.CREATE,
            obj=consultation,
            summary="FHIR import of a consultation record",
            patient_id=patient_id,
        )
        return "imported"

    def _unchanged(self, held: Consultation, resource: Resource, impression: Entry | None) -> str:
        same = _same(clinical.encounter_to_fhir(held), resource) and (
            impression is None or _same(clinical.impression_to_fhir(held), impression.resource)
        )
        if not same:
            raise Rejected(HELD_OTHERWISE.format(what="Consultation", id=resource["id"]))
        return "unchanged"

    def _patient(self, reference: str) -> int:
        _, source_id = self.importer._target(reference)
        if source_id not in self.importer.patients:
            raise Rejected(f"patient {reference!r} is neither in this import nor in the clinic")
        return self.importer.patients[source_id]

    def _practitioner(self, reference: str) -> Practitioner:
        key = reference.removeprefix("Practitioner/practitioner-")
        found = (
            Practitioner.objects.filter(clinic=self.clinic, pk=int(key))
            .select_related("user")
            .first()
            if key.isdigit()
            else None
        )
        if found is None:
            raise Rejected(f"practitioner {reference!r} is not one of this clinic's")
        return found

    def _appointment(self, resource: Resource, patient_id: int) -> Appointment | None:
        reference = next((a["reference"] for a in resource.get("appointment", [])), "")
        if not reference:
            return None
        key = reference.removeprefix("Appointment/appointment-")
        found = (
            Appointment.objects.filter(
                clinic=self.clinic, pk=int(key), patient_id=patient_id
            ).first()
            if key.isdigit()
            else None
        )
        if found is None:
            raise Rejected(f"appointment {reference!r} is not this patient's in this clinic")
        return found

    # Plans

    def _plan(self, entry: Entry) -> str:
        resource = entry.resource
        _ours(resource, clinical.PLAN_SYSTEM, "treatment plan")
        held = TreatmentPlan.objects.filter(
            consultation__clinic=self.clinic, fhir_id=resource["id"]
        ).first()
        if held is not None:
            held_plan = loaded_plan(held.consultation)
            assert held_plan is not None  # it is held
            if not _same(clinical.plan_to_fhir(held_plan, list(held_plan.areas.all())), resource):
                raise Rejected(HELD_OTHERWISE.format(what="CarePlan", id=resource["id"]))
            return "unchanged"
        encounter = resource["encounter"]["reference"].removeprefix("Encounter/")
        consultation = Consultation.objects.filter(clinic=self.clinic, fhir_id=encounter).first()
        if consultation is None:
            raise Rejected(
                f"its consultation Encounter/{encounter} is neither in this import nor the clinic"
            )
        protocol = next(
            e["valueString"] for e in resource["extension"] if e["url"] == clinical.PROTOCOL_EXT
        )
        protocol_id, _, template_id = protocol.partition("/")
        version = resource.get("description", "").rpartition(" version ")[2]
        plan = TreatmentPlan.objects.create(
            consultation=consultation,
            protocol_id=protocol_id,
            template_id=template_id,
            protocol_version=version,
            fhir_id=resource["id"],
        )
        contained = {c["id"]: c for c in resource.get("contained", [])}
        for position, activity in enumerate(resource.get("activity", [])):
            self._activity(plan, position, activity["detail"], contained)
        audit_record(
            by=self.importer.actor,
            action=Action.CREATE,
            obj=plan,
            summary="FHIR import of a treatment plan",
            patient_id=consultation.patient_id,
        )
        return "imported"

    def _course_basis(self, entry: Entry) -> str:
        """A course's CarePlan: only which treatment plan it carries out is read back."""
        resource = entry.resource
        if is_held(self.clinic, resource):
            return "unchanged"
        key = resource["id"].removeprefix("course-")
        course = (
            Course.objects.filter(clinic=self.clinic, pk=int(key)).first()
            if key.isdigit()
            else None
        )
        based_on = [r["reference"].removeprefix("CarePlan/") for r in resource.get("basedOn", [])]
        if course is None or not based_on:
            raise Rejected(COURSE_NOT_IMPORTED.format(id=resource["id"]))
        plan = TreatmentPlan.objects.filter(
            consultation__clinic=self.clinic, fhir_id=based_on[0]
        ).first()
        if plan is None:
            shown = f"CarePlan/{based_on[0]}"
            raise Rejected(f"its treatment plan {shown} is in neither this import nor the clinic")
        if course.treatment_plan_id == plan.pk:
            return "unchanged"
        Course.objects.filter(pk=course.pk).update(treatment_plan_id=plan.pk)
        audit_record(
            by=self.importer.actor,
            action=Action.UPDATE,
            obj=course,
            summary=f"FHIR import: follows treatment plan {plan.pk}",
            patient_id=course.patient_id,
        )
        return "updated"

    def _activity(
        self, plan: TreatmentPlan, position: int, detail: Resource, contained: dict[str, Resource]
    ) -> None:
        code = detail["code"]["coding"][0]["code"]
        reference = detail["productReference"]["reference"]
        if code == clinical.NUMBING:
            plan.numbing_product = self._product_named(reference)
            plan.save(update_fields=["numbing_product"])
            return
        extensions = {e["url"]: e for e in detail.get("extension", [])}
        depth = extensions.get(clinical.DEPTH_EXT, {}).get("valueDecimal")
        area = PlanArea.objects.create(
            plan=plan,
            position=position,
            area=extensions[clinical.AREA_EXT]["valueString"],
            technique=code,
            depth_mm=Decimal(str(depth)) if depth is not None else None,
            layer=extensions.get(clinical.LAYER_EXT, {}).get("valueCoding", {}).get("code", ""),
            volume_ml=Decimal(str(detail["quantity"]["value"])),
        )
        formulation = contained[reference.removeprefix("#")]
        for n, ingredient in enumerate(formulation.get("ingredient", [])):
            product = self._product_named(ingredient["itemReference"]["reference"])
            PlanAreaProduct.objects.create(area=area, product=product, position=n)

    def _product_named(self, reference: str) -> Product:
        key = reference.removeprefix("Medication/")
        product = Product.objects.filter(clinic=self.clinic, fhir_id=key).first()
        if product is None:
            raise Rejected(f"product {reference!r} is neither in this import nor in the clinic")
        return product


def _same(ours: Resource, resource: Resource) -> bool:
    """Whether `resource` is what we export for what is held (with or without its narrative)."""
    return ours == resource or with_narrative(ours) == resource


def _ours(resource: Resource, system: str, what: str) -> None:
    if system not in {i.get("system") for i in resource.get("identifier", [])}:
        shown = NOT_OURS.format(
            type=resource["resourceType"], id=resource["id"], what=what, system=system
        )
        raise Rejected(shown)


def _assessment_from(consultation: Consultation, impression: Resource) -> None:
    """The skin assessment, recommendation and screening a ClinicalImpression holds."""
    for finding in impression.get("finding", []):
        concept = finding["itemCodeableConcept"]
        code = concept["coding"][0]
        if code["system"] != clinical.ASSESSMENT:
            continue
        if code["code"] == "fitzpatrick":
            consultation.fitzpatrick = int(finding["basis"])
        elif code["code"] == "skin-type":
            consultation.skin_type = finding["basis"]
        else:
            consultation.area_conditions[concept["text"]] = finding["basis"]
    extensions = {e["url"]: e for e in impression.get("extension", [])}
    if clinical.RECOMMENDATION_EXT in extensions:
        consultation.recommendation = extensions[clinical.RECOMMENDATION_EXT]["valueCoding"]["code"]
        consultation.recommendation_reason = impression.get("summary", "")
    if clinical.SCREENING_EXT in extensions:
        screening = json.loads(extensions[clinical.SCREENING_EXT]["valueString"])
        consultation.screening_protocol_id = screening["protocol"]
        consultation.screening_protocol_version = screening["version"]
        consultation.screening_on = screening["on"]
        consultation.screening_verdict = screening["verdict"]
        consultation.screening_findings = screening["findings"]
