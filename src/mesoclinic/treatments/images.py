"""Photos as the clinic keeps them: turned upright, re-encoded without EXIF (so no location,
device or time leaves with them), and a thumbnail, under the private media folder."""

import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

# A phone photo is 12–50 megapixels; anything far beyond is no photo of a patient.
LARGEST_PIXELS = 80_000_000
THUMBNAIL = (320, 320)
NOT_AN_IMAGE = "That file is not a photo we can read: take it again, or upload a JPEG or PNG."
TOO_LARGE = "That photo is larger than 80 megapixels: take it at a smaller size."


class PhotoUnreadable(ValueError):
    """The upload is no image Pillow reads; the message says what to do."""


@dataclass(frozen=True)
class CleanPhoto:
    """A photo re-encoded as JPEG without metadata, and its thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def clean_photo(content: bytes) -> CleanPhoto:
    """The photo upright, as a new JPEG that carries none of the original's metadata."""
    try:
        with Image.open(io.BytesIO(content)) as original:
            if original.width * original.height > LARGEST_PIXELS:
                raise PhotoUnreadable(TOO_LARGE)
            # Only the pixels survive: a new image holds no EXIF, XMP, GPS or comment.
            upright = ImageOps.exif_transpose(original).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise PhotoUnreadable(NOT_AN_IMAGE) from None
    pixels = Image.new("RGB", upright.size)
    pixels.paste(upright)
    thumb = pixels.copy()
    thumb.thumbnail(THUMBNAIL)
    return CleanPhoto(_jpeg(pixels), _jpeg(thumb), pixels.width, pixels.height)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class StoredPhoto:
    """Where a cleaned photo and its thumbnail are kept (paths under MEDIA_ROOT), and its size."""

    image: str
    thumbnail: str
    width: int
    height: int


def photo_store(*, clinic_id: int, patient_id: int, content: bytes) -> StoredPhoto:
    """Clean the photo and keep it with its thumbnail in the patient's private folder."""
    photo = clean_photo(content)
    folder = f"photos/{clinic_id}/{patient_id}/{uuid.uuid4().hex}"
    image = default_storage.save(f"{folder}.jpg", ContentFile(photo.image))
    thumbnail = default_storage.save(f"{folder}-thumb.jpg", ContentFile(photo.thumbnail))
    return StoredPhoto(image, thumbnail, photo.width, photo.height)


def photo_forget(stored: StoredPhoto) -> None:
    """Remove a kept photo whose record was not written, so no file outlives it."""
    default_storage.delete(stored.image)
    default_storage.delete(stored.thumbnail)
