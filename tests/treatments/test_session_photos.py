"""Session photos: kept without EXIF (location included), served only through the patient's
permission check and audited, never to reception, another clinic or another patient, and not at
all once the consent says no photos."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.treatments.domain.photos import NO_PHOTOS, PhotoRefused, photo_add
from mesoclinic.treatments.models import SessionPhoto
from tests import factories
from tests.treatments.factories import (
    booked_course,
    catalogue,
    consent_text,
    consented,
    started,
)

pytestmark = pytest.mark.usefixtures("frozen_now")


def jpeg_with_gps():
    """A JPEG as a phone writes it: camera make and model, and where it was taken."""
    image = Image.new("RGB", (640, 480), (200, 150, 120))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def course(rooms, pat, paula, harbour, alice):
    products = catalogue(harbour)
    consent_text(harbour, alice)
    return booked_course(pat, paula, [products["hyaluronic"]])


@pytest.fixture
def session(course, paula):
    consented(course, photos=True)
    return started(course.sessions.order_by("number").first(), paula)


@pytest.fixture
def photo(session, paula):
    return photo_add(
        session=session, view="front", moment="before", content=jpeg_with_gps(), by=paula
    )


def test_the_test_photo_carries_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as original:
        gps = original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"


def test_an_uploaded_photo_keeps_no_exif(client_for, paula, session, private_media):
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client_for(paula).post(
        f"/clinic/sessions/{session.pk}/photos/",
        {"view": "left-45", "moment": "before", "photo": upload},
    )
    photo = SessionPhoto.objects.get()
    stored = (private_media / photo.image).read_bytes()
    with Image.open(io.BytesIO(stored)) as kept:
        exif, info = dict(kept.getexif()), kept.info
    assert (response.status_code, photo.view, photo.moment, photo.width) == (
        302,
        "left-45",
        "before",
        640,
    )
    assert (exif, "exif" in info, b"Exif" in stored, b"PhoneMaker" in stored) == (
        {},
        False,
        False,
        False,
    )
    assert (private_media / photo.thumbnail).exists()
    assert not str(photo.image).startswith("static")


def test_a_photo_is_served_to_clinical_staff_and_audited(client_for, paula, photo, pat):
    response = client_for(paula).get(f"/clinic/photos/{photo.pk}/")
    read = AuditEvent.objects.filter(action="read", patient_id=pat.pk).order_by("pk").last()
    assert (response.status_code, response["Content-Type"], response.content[:2]) == (
        200,
        "image/jpeg",
        b"\xff\xd8",
    )
    assert (read.summary, read.actor) == (f"photo {photo.pk}", paula)


def test_a_photo_is_404_to_another_clinic_another_patient_and_reception(
    client, charlie, peter, rita, harbour, photo
):
    sam = factories.PatientFactory(clinic=harbour, given_name="Sam", with_account="sam")
    answers = {}
    for who in (charlie, peter.user, sam.user, rita):
        client.force_login(who)
        answers[who.username] = (
            client.get(f"/clinic/photos/{photo.pk}/").status_code,
            client.get(f"/clinic/photos/{photo.pk}/thumbnail/").status_code,
        )
    assert answers == {
        "charlie": (404, 404),
        "peter": (404, 404),
        "sam": (404, 404),
        "rita": (404, 404),
    }


def test_a_photo_is_404_once_the_consent_says_no_photos(client_for, paula, photo, course):
    consented(course, photos=False)
    assert client_for(paula).get(f"/clinic/photos/{photo.pk}/").status_code == 404


def test_no_photo_is_taken_when_the_consent_says_no(course, paula):
    consented(course, photos=False)
    session = started(course.sessions.order_by("number").first(), paula)
    with pytest.raises(PhotoRefused) as refused:
        photo_add(session=session, view="front", moment="before", content=b"", by=paula)
    assert str(refused.value) == NO_PHOTOS


def test_before_and_after_of_one_view_side_by_side(client_for, paula, session, photo):
    after = photo_add(
        session=session, view="front", moment="after", content=jpeg_with_gps(), by=paula
    )
    page = client_for(paula).get(f"/clinic/sessions/{session.pk}/")
    assert [(v["label"], v["before"], v["after"]) for v in page.context["photo_views"]] == [
        ("Front", photo, after)
    ]
    assert page.context["missing_before"] == ["Left 45°", "Right 45°", "Left 90°", "Right 90°"]


def test_a_file_that_is_no_photo_is_refused(session, paula):
    with pytest.raises(PhotoRefused) as refused:
        photo_add(session=session, view="front", moment="before", content=b"%PDF-1.7", by=paula)
    assert str(refused.value) == (
        "That file is not a photo we can read: take it again, or upload a JPEG or PNG."
    )


def api_photo_addresses(session, photo):
    return [
        f"/api/v1/treatments/sessions/{session.pk}/photos",
        f"/api/v1/treatments/photos/{photo.pk}",
        f"/api/v1/treatments/photos/{photo.pk}/thumbnail",
    ]


def test_the_api_lists_a_sessions_photos_and_serves_them_audited(
    client_for, paula, session, photo, pat
):
    client = client_for(paula)
    first = AuditEvent.objects.order_by("pk").last().pk
    listed, image, thumbnail = (
        client.get(address) for address in api_photo_addresses(session, photo)
    )
    assert listed.json() == {
        "session": session.pk,
        "photos": [
            {
                "id": photo.pk,
                "view": "front",
                "moment": "before",
                "taken_at": "2026-11-21T10:00:00+00:00",
                "width": 640,
                "height": 480,
                "image": f"/api/v1/treatments/photos/{photo.pk}",
                "thumbnail": f"/api/v1/treatments/photos/{photo.pk}/thumbnail",
            }
        ],
    }
    assert [(r.status_code, r["Content-Type"], r.content[:2]) for r in (image, thumbnail)] == [
        (200, "image/jpeg", b"\xff\xd8"),
        (200, "image/jpeg", b"\xff\xd8"),
    ]
    with Image.open(io.BytesIO(thumbnail.content)) as small:
        assert max(small.size) == 320
    reads = AuditEvent.objects.filter(pk__gt=first, action="read", patient_id=pat.pk)
    assert [(e.summary, e.actor) for e in reads.order_by("pk")] == [
        ("session photos", paula),
        (f"photo {photo.pk}", paula),
        (f"photo {photo.pk}", paula),
    ]


def test_the_patient_reads_their_own_photos_through_the_api(client_for, pat, session, photo):
    client = client_for(pat.user)
    assert [client.get(a).status_code for a in api_photo_addresses(session, photo)] == [
        200,
        200,
        200,
    ]


def test_the_api_photos_are_404_to_another_clinic_another_patient_and_reception(
    client, charlie, peter, rita, harbour, session, photo
):
    sam = factories.PatientFactory(clinic=harbour, given_name="Sam", with_account="sam")
    answers = {}
    for who in (charlie, peter.user, sam.user, rita):
        client.force_login(who)
        answers[who.username] = [
            client.get(a).status_code for a in api_photo_addresses(session, photo)
        ]
    assert answers == {name: [404, 404, 404] for name in ("charlie", "peter", "sam", "rita")}


def test_the_api_photos_are_404_once_the_consent_says_no_photos(
    client_for, paula, pat, session, photo, course
):
    consented(course, photos=False)
    answers = {
        who.username: [
            client_for(who).get(a).status_code for a in api_photo_addresses(session, photo)
        ]
        for who in (paula, pat.user)
    }
    assert answers == {"paula": [404, 404, 404], "pat": [404, 404, 404]}


@pytest.mark.parametrize("kept", [1, 3])
def test_the_api_photo_list_reads_the_same_for_one_photo_or_three(
    client_for, paula, session, kept, django_assert_num_queries
):
    for view in ("front", "left-45", "right-45")[:kept]:
        photo_add(session=session, view=view, moment="before", content=jpeg_with_gps(), by=paula)
    client = client_for(paula)
    # Sign-in and the audit chain; the session with its course, consent and patient; the
    # consent's photo choice; the photos in one query.
    with django_assert_num_queries(9):
        response = client.get(f"/api/v1/treatments/sessions/{session.pk}/photos")
    assert len(response.json()["photos"]) == kept
