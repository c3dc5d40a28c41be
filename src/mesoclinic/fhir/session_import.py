"""Importing the signed records a clinic's own export wrote: each Consent (with its PDF), each
session (Procedure, with its chart) and each photo (Media), by the ids they left with.

A signed record is never changed: one held already imports as unchanged when the export of what
is held is the resource itself, and is refused otherwise. What comes in signed stays signed.
"""

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.fhir.calendar_import import NOT_AS_EXPORTED, imported_patient, why_refused
from mesoclinic.fhir.from_fhir import Rejected
from mesoclinic.fhir.narrative import with_narrative
from mesoclinic.fhir.sources import Entry
from mesoclinic.inventory.models import Lot
from mesoclinic.scheduling.models import Appointment, Course, CourseStatus
from mesoclinic.treatments import fhir_records as records
from mesoclinic.treatments.images import PhotoUnreadable, clean_photo
from mesoclinic.treatments.models import (
    ChartPoint,
    Consent,
    ConsentTemplate,
    SessionPhoto,
    SignedVia,
    TreatmentSession,
)
from mesoclinic.treatments.pdfs import consent_pdf, consent_pdf_path
from mesoclinic.treatments.queries import session_points

if TYPE_CHECKING:
    from mesoclinic.fhir.importer import Importer

Resource = dict[str, Any]
SESSIONS = ("Consent", "Procedure", "Media")
SIGNED_ELSEWHERE = "{type} {id} is held signed with other contents; a signed record never changes"
POLICY = re.compile(r"(?P<treatment>.+) consent, version (?P<version>\d+)$")
GUARDIAN = re.compile(r"(?P<name>.+) \((?P<relationship>.+) of the patient\)$")
# The text the patient signed is in the consent's PDF; an imported version keeps only its title.
IMPORTED_TEXT = "Imported with the clinic's records: the text as signed is in each consent's PDF."


class SessionImport:
    """Imports one run's consents, sessions and photos into its importer's clinic."""

    def __init__(self, importer: "Importer") -> None:
        self.importer = importer
        self.clinic = importer.clinic
        self.report = importer.report

    def run(self, by_type: dict[str, list[Entry]]) -> None:
        self.importer._load_patients(
            [_patient_reference(e.resource) for t in SESSIONS for e in by_type[t]]
        )
        for entry in by_type["Consent"]:
            self._each(entry, self._consent)
        for entry in by_type["Procedure"]:
            self._each(entry, self._session)
        for entry in by_type["Media"]:
            self._each(entry, self._photo)

    def _each(self, entry: Entry, write: Any) -> None:
        try:
            with transaction.atomic():
                outcome = write(entry.resource)
        except (Rejected, PhotoUnreadable, *NOT_AS_EXPORTED) as refused:
            self.report.reject(entry, why_refused(entry.resource, refused))
            return
        except DatabaseError as error:
            self.report.reject(entry, f"could not be saved: {error}")
            return
        getattr(self.report, outcome)[entry.resource["resourceType"]] += 1

    def _unchanged(self, ours: Resource, resource: Resource) -> str:
        if not _same(ours, resource):
            raise Rejected(
                SIGNED_ELSEWHERE.format(type=resource["resourceType"], id=resource["id"])
            )
        return "unchanged"

    def _audit(self, made: Any, summary: str) -> None:
        audit_record(
            by=self.importer.actor,
            action=Action.CREATE,
            obj=made,
            summary=summary,
            patient_id=made.patient_id,
        )

    # Consents

    def _consent(self, resource: Resource) -> str:
        held = Consent.objects.filter(clinic=self.clinic, fhir_id=resource["id"]).first()
        if held is not None:
            return self._unchanged(records.consent_to_fhir(held, consent_pdf(held)), resource)
        fields = records.consent_fields(resource)
        patient_id = self._patient(resource)
        course = Course.objects.filter(clinic=self.clinic, pk=fields["course_id"]).first()
        if course is None or course.patient_id != patient_id:
            raise Rejected(f"its course course-{fields['course_id']} is not this patient's here")
        template = self._template(resource, fields["signed_at"])
        signer = resource["performer"][0]["display"]
        guardian = GUARDIAN.match(signer)
        consent = Consent(
            clinic=self.clinic,
            patient_id=patient_id,
            course=course,
            template=template,
            title=template.title,
            text=template.text,
            photos_allowed=fields["photos_allowed"],
            typed_name=guardian["name"] if guardian else signer,
            agreed=True,
            guardian_name=guardian["name"] if guardian else "",
            guardian_relationship=guardian["relationship"] if guardian else "",
            signed_via=SignedVia.TABLET,
            signed_at=fields["signed_at"],
            fhir_id=resource["id"],
        )
        consent.save()
        # The PDF as it was signed, kept where the consent's own is kept.
        path = consent_pdf_path(consent)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(fields["pdf"]))
        self._audit(consent, "FHIR import of a signed consent")
        return "imported"

    def _template(self, resource: Resource, signed_at: datetime) -> ConsentTemplate:
        policy = POLICY.match(resource["policyRule"]["text"])
        if policy is None:
            raise Rejected(f"Consent {resource['id']} does not name its consent text's version")
        title = resource["sourceAttachment"]["title"].rpartition(" (version ")[0]
        template, _ = ConsentTemplate.objects.get_or_create(
            clinic=self.clinic,
            treatment=policy["treatment"],
            version=int(policy["version"]),
            defaults={"title": title, "text": IMPORTED_TEXT, "written_at": signed_at},
        )
        return template

    # Sessions

    def _session(self, resource: Resource) -> str:
        held = TreatmentSession.objects.filter(clinic=self.clinic, fhir_id=resource["id"]).first()
        if held is not None:
            held = _loaded(held)
            return self._unchanged(records.procedure_to_fhir(held, session_points(held)), resource)
        fields = records.procedure_fields(resource)
        patient_id = self._patient(resource)
        consent = Consent.objects.filter(clinic=self.clinic, fhir_id=fields["consent"]).first()
        if consent is None or consent.patient_id != patient_id:
            raise Rejected(f"its consent Consent/{fields['consent']} is not this patient's here")
        appointment = self._appointment(fields["course_id"], fields["started_at"])
        lots = {
            lot.fhir_id: lot
            for lot in Lot.objects.filter(clinic=self.clinic, fhir_id__in=fields["lots"])
        }
        missing = set(fields["lots"]) - lots.keys()
        if missing:
            raise Rejected(
                f"lot Medication/{min(missing)} is neither in this import nor the clinic"
            )
        charted = {p["lot"] for p in fields["points"]}
        numbing = next((lots[i] for i in fields["lots"] if i not in charted), None)
        practitioner = appointment.practitioner
        if practitioner.pk != fields["practitioner_id"]:
            raise Rejected(f"its performer is not the practitioner of {appointment}")
        signed_at = (fields["ended_at"] or fields["started_at"]) if fields["signed"] else None
        session = TreatmentSession.objects.create(
            clinic=self.clinic,
            patient_id=patient_id,
            appointment=appointment,
            practitioner=practitioner,
            consent=consent,
            started_at=fields["started_at"],
            ended_at=fields["ended_at"],
            screening_verdict="",
            numbing_product=numbing.product if numbing else None,
            numbing_lot=numbing,
            reactions=fields["reactions"],
            notes=fields["notes"],
            signed_at=signed_at,
            signed_by=practitioner.user if signed_at else None,
            fhir_id=resource["id"],
        )
        ChartPoint.objects.bulk_create(_point(session, p, lots) for p in fields["points"])
        if signed_at and appointment.course_id is not None:
            # The course is active from its first signed session (its end comes as exported).
            Course.objects.filter(pk=appointment.course_id, status=CourseStatus.PLANNED).update(
                status=CourseStatus.ACTIVE
            )
        self._audit(session, "FHIR import of a session record")
        return "imported"

    def _appointment(self, course_id: int, started_at: datetime) -> Appointment:
        """The course's session appointment the session was recorded on: the one nearest its
        start that has no session yet (the Procedure names the course, not the appointment)."""
        free = Appointment.objects.filter(
            clinic=self.clinic, course_id=course_id, session_record__isnull=True
        ).select_related("practitioner__user")
        nearest = sorted(free, key=lambda a: (abs(a.start - started_at), a.pk))
        if not nearest:
            raise Rejected(f"its course course-{course_id} has no session here left to record")
        return nearest[0]

    # Photos

    def _photo(self, resource: Resource) -> str:
        held = SessionPhoto.objects.filter(clinic=self.clinic, fhir_id=resource["id"]).first()
        if held is not None:
            with default_storage.open(held.image) as stored:
                return self._unchanged(records.media_to_fhir(held, stored.read()), resource)
        fields = records.media_fields(resource)
        session = TreatmentSession.objects.filter(
            clinic=self.clinic, fhir_id=fields["session"]
        ).first()
        if session is None:
            raise Rejected(f"its session Procedure/{fields['session']} is not in this clinic")
        # The image left without EXIF; it is kept byte for byte, with a thumbnail made anew.
        thumbnail = clean_photo(fields["image"]).thumbnail
        folder = f"photos/{session.clinic_id}/{session.patient_id}/{resource['id']}"
        image_path = default_storage.save(f"{folder}.jpg", ContentFile(fields["image"]))
        thumbnail_path = default_storage.save(f"{folder}-thumb.jpg", ContentFile(thumbnail))
        photo = SessionPhoto.objects.create(
            clinic=self.clinic,
            patient_id=session.patient_id,
            session=session,
            view=fields["view"],
            moment=fields["moment"],
            image=image_path,
            thumbnail=thumbnail_path,
            width=fields["width"],
            height=fields["height"],
            taken_at=fields["taken_at"],
            fhir_id=resource["id"],
        )
        self._audit(photo, f"FHIR import of a {photo.moment} photo, {photo.view}")
        return "imported"

    def _patient(self, resource: Resource) -> int:
        return imported_patient(self.importer, _patient_reference(resource))


def _point(session: TreatmentSession, point: dict[str, str], lots: dict[str, Lot]) -> ChartPoint:
    return ChartPoint(
        session=session,
        map=point["map"],
        area=point["area"],
        x=point["x"],
        y=point["y"],
        lot=lots[point["lot"]],
        depth_mm=point["depth_mm"],
        volume_ml=point["volume_ml"],
        technique=point["technique"],
    )


def _loaded(session: TreatmentSession) -> TreatmentSession:
    related = ("patient", "practitioner__user", "consent", "appointment", "numbing_lot__product")
    return TreatmentSession.objects.select_related(*related).get(pk=session.pk)


def _patient_reference(resource: Resource) -> str:
    holder = resource.get("subject") or resource.get("patient") or {}
    return str(holder.get("reference", ""))


def _same(ours: Resource, resource: Resource) -> bool:
    return ours == resource or with_narrative(ours) == resource
