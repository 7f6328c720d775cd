"""Paint and data paths that never raise: an exception inside a Qt virtual called from C++ ends the process.

Delegates and models wrap their work with these helpers; a failure paints a neutral placeholder (or returns no data)
and is logged once per place, with the exception's type only (its message may quote a customer's text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QPainter

log = logging.getLogger("deskchat.ui")

T = TypeVar("T")

_reported: set[str] = set()


def report_once(where: str, error: BaseException) -> None:
    """Log that ``where`` failed (once per place), without the exception's message."""
    if where in _reported:
        return
    _reported.add(where)
    log.warning("%s failed (%s): showing a placeholder", where, type(error).__name__)


def guarded(where: str, work: Callable[[], T], fallback: T) -> T:
    """``work()``, or ``fallback`` if it raises (reported once)."""
    try:
        return work()
    except Exception as error:
        report_once(where, error)
        return fallback


def placeholder_text() -> str:
    return QCoreApplication.translate("Bubble", "(this item cannot be shown)")


def paint_placeholder(painter: QPainter, rect: QRect) -> None:
    """A grey line saying the item cannot be shown; never raises."""
    try:
        painter.save()
        painter.setPen(QColor("#667781"))
        painter.drawText(
            rect.adjusted(12, 0, -12, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            placeholder_text(),
        )
        painter.restore()
    except Exception as error:
        report_once("placeholder paint", error)
