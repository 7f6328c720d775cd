"""Remote images of a mail, fetched only when the attendant asks ("Mostrar imagens remotas"), bounded in count, size
and time. Blocking: run it in an executor."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

import httpx

log = logging.getLogger("deskchat.mail")

MAX_IMAGES: Final = 40
MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
TIMEOUT_S: Final = 10.0
IMAGE_TYPES: Final = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")


def fetch_images(urls: Iterable[str], *, transport: httpx.BaseTransport | None = None) -> dict[str, bytes]:
    """The images at ``urls`` (http and https only) that came back as images within the limits; others are left out."""
    wanted = [url for url in dict.fromkeys(urls) if url.lower().startswith(("http://", "https://"))][:MAX_IMAGES]
    found: dict[str, bytes] = {}
    if not wanted:
        return found
    with httpx.Client(timeout=TIMEOUT_S, follow_redirects=True, max_redirects=3, transport=transport) as client:
        for url in wanted:
            try:
                data = _fetch_one(client, url)
            except (httpx.HTTPError, ValueError):
                log.info("a remote image could not be fetched")  # the address may name the customer
                continue
            if data is not None:
                found[url] = data
    return found


def _fetch_one(client: httpx.Client, url: str) -> bytes | None:
    with client.stream("GET", url) as response:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code != 200 or kind not in IMAGE_TYPES:
            return None
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_IMAGE_BYTES:
                return None
            chunks.append(chunk)
        return b"".join(chunks)
