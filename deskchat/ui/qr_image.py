"""QR codes drawn in the app (qrcode + Pillow), as a QPixmap."""

from __future__ import annotations

import io

import qrcode
from PySide6.QtGui import QPixmap


def qr_pixmap(data: str, box_size: int = 6) -> QPixmap:
    """``data`` encoded exactly as given, with the quiet zone scanners need."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap
