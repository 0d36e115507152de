"""Real image bytes made with Pillow for the photo tests."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(width: int = 1200, height: int = 800, orientation: int = 6) -> bytes:
    """A JPEG whose EXIF holds a GPS position, a camera name and an orientation (6: turn 90° clockwise)."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 2, height))  # left half blue: the turn is visible
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 400, height: int = 400, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 120, 10, 128) if mode == "RGBA" else (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


def bomb() -> bytes:
    """A small PNG (a few hundred kilobytes) that decodes to 10000 x 10000 pixels."""
    out = io.BytesIO()
    Image.new("1", (10000, 10000), 0).save(out, "PNG")
    return out.getvalue()
