"""Photos of side effects: re-encoded so nothing but the picture is kept (no EXIF)."""

import io

from PIL import Image, ImageOps, UnidentifiedImageError

LARGEST_SIDE = 2000
NOT_A_PICTURE = "The photo could not be read as a picture; send a JPEG or PNG file."


class PhotoRefused(ValueError):
    """The upload is not a picture Pillow can read."""


def photo_without_metadata(data: bytes) -> bytes:
    """`data` as a JPEG with no EXIF (GPS position, time, device), turned upright first."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise PhotoRefused(NOT_A_PICTURE) from error
    picture.thumbnail((LARGEST_SIDE, LARGEST_SIDE))
    # A fresh image carries no `info`, so nothing of the original's metadata is written.
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=88)
    return out.getvalue()
