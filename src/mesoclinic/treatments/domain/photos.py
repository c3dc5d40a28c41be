"""Photos of a session: taken or uploaded in the standard views, before and after, as the
consent's photo choice allows; stored without EXIF under the private media folder."""

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.treatments.images import PhotoUnreadable, photo_forget, photo_store
from mesoclinic.treatments.models import (
    PhotoMoment,
    PhotoView,
    SessionPhoto,
    TreatmentSession,
)

NO_PHOTOS = "The patient's consent says no photos: none can be taken or kept."
ONLY_CLINICAL = "Only a practitioner or the clinic admin takes a patient's photos."
SIGNED = "This session is signed: its photos are kept as they are."
UNKNOWN_VIEW = "Choose a standard view: {views}."
UNKNOWN_MOMENT = "Say whether the photo is before or after the treatment."


class PhotoRefused(Exception):
    """A photo that cannot be kept; the message says why."""


def photo_add(
    *, session: TreatmentSession, view: str, moment: str, content: bytes, by: User
) -> SessionPhoto:
    """Keep a photo of the session, re-encoded without EXIF, with its thumbnail; audited."""
    _check(session, view, moment, by)
    try:
        stored = photo_store(
            clinic_id=session.clinic_id, patient_id=session.patient_id, content=content
        )
    except PhotoUnreadable as unreadable:
        raise PhotoRefused(str(unreadable)) from None
    try:
        with transaction.atomic():
            kept = SessionPhoto.objects.create(
                clinic_id=session.clinic_id,
                patient_id=session.patient_id,
                session=session,
                view=view,
                moment=moment,
                image=stored.image,
                thumbnail=stored.thumbnail,
                width=stored.width,
                height=stored.height,
                taken_at=timezone.now(),
                taken_by=by,
            )
            audit_record(
                by=by,
                action=Action.CREATE,
                obj=kept,
                summary=f"{moment} photo, {view}",
                patient_id=session.patient_id,
            )
    except Exception:
        # Nothing was recorded, so nothing is kept.
        photo_forget(stored)
        raise
    return kept


def _check(session: TreatmentSession, view: str, moment: str, by: User) -> None:
    if by.role not in (Role.PRACTITIONER, Role.ADMIN):
        raise PhotoRefused(ONLY_CLINICAL)
    if not session.consent.photos_allowed:
        raise PhotoRefused(NO_PHOTOS)
    if session.signed:
        raise PhotoRefused(SIGNED)
    if view not in PhotoView.values:
        raise PhotoRefused(UNKNOWN_VIEW.format(views=", ".join(PhotoView.values)))
    if moment not in PhotoMoment.values:
        raise PhotoRefused(UNKNOWN_MOMENT)
