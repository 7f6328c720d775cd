"""Colours and small painting helpers shared by the delegates."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

INCOMING_BUBBLE = QColor("#ffffff")
OUTGOING_BUBBLE = QColor("#d9fdd3")
CHAT_BACKGROUND = QColor("#efeae2")
QUOTE_BAR = QColor("#06cf9c")
QUOTE_BACKGROUND = QColor(0, 0, 0, 18)
TICK_GREY = QColor("#8696a0")
TICK_BLUE = QColor("#53bdeb")
FAILED_RED = QColor("#d93025")
UNREAD_BADGE = QColor("#25d366")
WHATSAPP_GREEN = QColor("#25d366")
EMAIL_BLUE = QColor("#1a73e8")
SECONDARY_TEXT = QColor("#667781")
SELECTION = QColor("#f0f2f5")

_AVATAR_COLOURS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774", "#8b9dc3"]


def avatar_colour(seed: int) -> QColor:
    return QColor(_AVATAR_COLOURS[seed % len(_AVATAR_COLOURS)])


def initials(name: str) -> str:
    words = [word for word in name.replace("@", " ").split() if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def clock_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%H:%M")


def list_time_text(ms: int, now: datetime | None = None) -> str:
    """ "14:32" today, "Ontem" yesterday, "12/03/2026" before."""
    now = now or datetime.now()
    moment = datetime.fromtimestamp(ms / 1000)
    days = (now.date() - moment.date()).days
    if days == 0:
        return moment.strftime("%H:%M")
    if days == 1:
        return QCoreApplication.translate("Time", "Yesterday")
    return moment.strftime("%d/%m/%Y")


def day_text(ms: int, now: datetime | None = None) -> str:
    now = now or datetime.now()
    moment = datetime.fromtimestamp(ms / 1000)
    days = (now.date() - moment.date()).days
    if days == 0:
        return QCoreApplication.translate("Time", "Today")
    if days == 1:
        return QCoreApplication.translate("Time", "Yesterday")
    return moment.strftime("%d/%m/%Y")


def draw_ticks(painter: QPainter, right: float, baseline: float, state: str) -> float:
    """Draw the delivery mark of an outgoing message ending at ``right``; returns the width used."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if state == "queued":
        pen = QPen(TICK_GREY, 1.3)
        painter.setPen(pen)
        centre = QPointF(right - 6, baseline - 5)
        painter.drawEllipse(centre, 5, 5)
        painter.drawLine(centre, centre + QPointF(0, -3))
        painter.drawLine(centre, centre + QPointF(2.5, 0))
        painter.restore()
        return 13
    if state == "failed":
        painter.setPen(QPen(FAILED_RED, 1.6))
        painter.drawEllipse(QPointF(right - 6, baseline - 5), 5.5, 5.5)
        painter.drawLine(QPointF(right - 6, baseline - 8), QPointF(right - 6, baseline - 4.5))
        painter.drawPoint(QPointF(right - 6, baseline - 2.5))
        painter.restore()
        return 13
    colour = TICK_BLUE if state in ("read", "played") else TICK_GREY
    painter.setPen(QPen(colour, 1.5))
    double = state in ("delivered", "read", "played")

    def tick(x: float) -> None:
        path = QPainterPath(QPointF(x, baseline - 4))
        path.lineTo(x + 3, baseline - 1)
        path.lineTo(x + 9, baseline - 8)
        painter.drawPath(path)

    width = 16.0 if double else 11.0
    tick(right - width)
    if double:
        tick(right - width + 5)
    painter.restore()
    return width + 2


def rounded(painter: QPainter, rect: QRectF, colour: QColor, radius: float = 8) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, radius, radius)
    painter.restore()
