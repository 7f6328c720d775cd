"""The demo's mail HTML: each customer mail gets an HTML part (what a mail program sends), with the company's logo
as a remote image the mail view blocks until asked; "Mostrar imagens remotas" then gets a picture made here, never
from the network (nothing leaves the machine in ``--demo``)."""

from __future__ import annotations

import html
import struct
import zlib
from collections.abc import Iterable, Mapping
from typing import Final

LOGO_URL: Final = "https://static.{domain}/assinatura/logo.png"


def mail_html(text: str, domain: str) -> str:
    """A sanitised-looking HTML part for ``text``: paragraphs, then a logo fetched from the sender's server."""
    paragraphs = (p.strip() for p in text.split("\n\n"))
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    logo = html.escape(LOGO_URL.format(domain=domain), quote=True)
    return f'<div>{body}<p><img src="{logo}" alt="logo" width="120" height="32"></p></div>'


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


DEMO_LOGO: Final = _png(120, 32, (0, 128, 105))


def demo_images(urls: Iterable[str]) -> Mapping[str, bytes]:
    """The demo's stand-in for fetching remote images: every address gets the same small picture."""
    return {url: DEMO_LOGO for url in urls}
