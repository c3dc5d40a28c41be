"""Photos of side effects, kept as session photos are: cleaned of EXIF, in the private folder."""

from mesoclinic.patients.models import Patient
from mesoclinic.treatments.images import NOT_AN_IMAGE, PhotoUnreadable, StoredPhoto, photo_store

NOT_A_PICTURE = "The photo could not be read as a picture; send a JPEG or PNG file."


class PhotoRefused(ValueError):
    """The upload is no picture the clinic can keep; the message says why."""


def report_photo_store(*, patient: Patient, content: bytes) -> StoredPhoto:
    """Keep a side effect's photo; a file that is no picture is refused in the portal's words."""
    try:
        return photo_store(clinic_id=patient.clinic_id, patient_id=patient.pk, content=content)
    except PhotoUnreadable as unreadable:
        reason = str(unreadable)
        raise PhotoRefused(NOT_A_PICTURE if reason == NOT_AN_IMAGE else reason) from None
