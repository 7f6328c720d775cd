"""Small real images for demo attachments: a coloured card with a label (Pillow)."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

#: Card colours (RGB), picked by index.
PALETTE = (
    (0x26, 0x7D, 0x6E),
    (0x3F, 0x51, 0xB5),
    (0xEF, 0x6C, 0x00),
    (0x8E, 0x24, 0xAA),
    (0x00, 0x83, 0x8F),
    (0xC6, 0x28, 0x28),
    (0x55, 0x8B, 0x2F),
    (0x6D, 0x4C, 0x41),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _centered_text(draw: ImageDraw.ImageDraw, box: tuple[int, int], text: str, size: int, fill: str) -> None:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (box[0] - (right - left)) // 2 - left
    y = (box[1] - (bottom - top)) // 2 - top
    draw.text((x, y), text, font=font, fill=fill)


@lru_cache(maxsize=256)
def photo_thumbnail(label: str, colour: int, width: int = 192, height: int = 144) -> bytes:
    """A JPEG: a card in palette colour ``colour`` with a lighter frame and ``label`` in the middle."""
    base = PALETTE[colour % len(PALETTE)]
    image = Image.new("RGB", (width, height), base)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, channel + 60) for channel in base)
    draw.rectangle((6, 6, width - 7, height - 7), outline=(light[0], light[1], light[2]), width=3)
    draw.rectangle((0, height - 30, width, height), fill=(0, 0, 0))
    _centered_text(draw, (width, height - 30), label[:24], 15, "white")
    caption = ImageDraw.Draw(image)
    font = _font(11)
    caption.text((10, height - 22), "DEMO", font=font, fill=(200, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70, optimize=True)
    return buffer.getvalue()


@lru_cache(maxsize=64)
def sticker_thumbnail(label: str, colour: int, size: int = 96) -> bytes:
    """A PNG with a transparent background: a round badge with ``label``."""
    base = PALETTE[colour % len(PALETTE)]
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 5, size - 5), fill=(base[0], base[1], base[2], 255), outline="white", width=4)
    _centered_text(draw, (size, size), label[:10], 16, "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
