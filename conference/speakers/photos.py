"""Speaker photos: checked, decoded and re-encoded with Pillow, kept in the database in a few sizes.

An upload is refused with a message when it is larger than SPEAKER_PHOTO_MAX_BYTES, is not a JPEG, PNG or
WebP image, cannot be decoded, or has more than MAX_PIXELS pixels (a decompression bomb: a small file that
decodes to gigabytes; Pillow's own DecompressionBombError and warning are refused too). What is kept is never
the uploaded file: the image is decoded, turned upright by its EXIF orientation (`ImageOps.exif_transpose`),
flattened to RGB and encoded again as WebP and JPEG in the widths of WIDTHS, so no EXIF (GPS position, camera,
time) and nothing else of the original file survives. The SHA-256 of the re-encoded sizes names them in their
URLs, so a URL's content never changes and can be cached for a year.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from conference.db import db
from conference.speakers.models import Person, PersonPhoto

WIDTHS = (160, 320, 640)
FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
ACCEPTED = frozenset({"JPEG", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is large; beyond it, refused before decoding


class PhotoError(ValueError):
    """An upload that is not kept; the message says why."""


@dataclass
class Prepared:
    digest: str
    variants: list[tuple[int, int, str, bytes]] = field(default_factory=list)  # (width, height, format, data)


def _refuse_not_image() -> PhotoError:
    return PhotoError(_("This file is not a JPEG, PNG or WebP image."))


def _open(data: bytes) -> Image.Image:
    limit = int(current_app.config.get("SPEAKER_PHOTO_MAX_BYTES", 5 * 2**20))
    if len(data) > limit:
        raise PhotoError(
            _(
                "The photo is larger than %(size)s MB; choose a smaller one.",
                size=format_decimal(limit / 2**20, "0.#"),
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("The image has too many pixels (at most 40 million)."))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(_("The image has too many pixels (at most 40 million).")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        if isinstance(error, PhotoError):
            raise
        raise _refuse_not_image() from error
    return image


def prepare(data: bytes) -> Prepared:
    """The re-encoded sizes of an uploaded photo; `PhotoError` when it is refused."""
    image = _open(data)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise _refuse_not_image() from error
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    prepared = Prepared("")
    widths = sorted({min(width, image.width) for width in WIDTHS})
    digest = hashlib.sha256()
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS) if width != image.width else image
        for name, pillow_format in FORMATS.items():
            out = io.BytesIO()
            options = {"quality": 85} if name == "jpeg" else {"quality": 82, "method": 4}
            resized.save(out, pillow_format, **options)  # no exif= given: nothing of the original's EXIF
            encoded = out.getvalue()
            digest.update(encoded)
            prepared.variants.append((width, height, name, encoded))
    prepared.digest = digest.hexdigest()
    return prepared


def store(person: Person, prepared: Prepared) -> None:
    """Replace the person's photo by `prepared` (in the caller's transaction)."""
    remove(person)
    for width, height, name, data in prepared.variants:
        db.session.add(
            PersonPhoto(
                person_id=person.id,
                digest=prepared.digest,
                width=width,
                height=height,
                format=name,
                data=data,
            )
        )
    person.photo_digest = prepared.digest
    person.photo_sizes = sorted([width, height, name] for width, height, name, _data in prepared.variants)


def remove(person: Person) -> None:
    db.session.execute(sa.delete(PersonPhoto).where(PersonPhoto.person_id == person.id))
    person.photo_digest = None
    person.photo_sizes = None


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    format: str


def sizes(person: Person) -> list[Size]:
    """The sizes of the person's current photo (none without a photo), smallest first."""
    if not person.photo_digest or not person.photo_sizes:
        return []
    return [Size(int(w), int(h), str(f)) for w, h, f in sorted(person.photo_sizes)]


def variant(person: Person, digest: str, width: int, name: str) -> PersonPhoto | None:
    if digest != person.photo_digest or name not in FORMATS:
        return None
    return db.session.scalars(
        sa.select(PersonPhoto).where(
            PersonPhoto.person_id == person.id,
            PersonPhoto.digest == digest,
            PersonPhoto.width == width,
            PersonPhoto.format == name,
        )
    ).first()
