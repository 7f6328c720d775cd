"""Paints chat bubbles: day separators, reply quotes, attachments, text, time, ticks, edits, deletes, reactions."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPixmap, QTextLayout, QTextOption
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from deskchat.core.filenames import display_name
from deskchat.ui import theme
from deskchat.ui.models.chat import ChatItem, MessageRole, NewDayRole
from deskchat.ui.paint_guard import paint_placeholder, report_once

PAD = 8
MARGIN = 14
DAY_BAND = 36
QUOTE_HEIGHT = 44
ATTACHMENT_LINE = 24
FOOTER = 18
REACTION_HEIGHT = 22
MAX_BUBBLE = 560
THUMBNAIL_WIDTH = 240
THUMBNAIL_HEIGHT = 160
PLACEHOLDER_HEIGHT = 40


def _wrap_option() -> QTextOption:
    """Break lines between words; inside a word only when it is longer than a line (a URL, a code)."""
    option = QTextOption(Qt.AlignmentFlag.AlignLeft)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


def wrapped_size(text: str, font: QFont, width: int) -> tuple[int, int]:
    """Width and height of ``text`` laid out in lines of at most ``width`` pixels."""
    layout = QTextLayout(text.replace("\n", "\u2028"), font)  # a layout breaks lines only at U+2028
    layout.setTextOption(_wrap_option())
    layout.beginLayout()
    height = 0.0
    widest = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
        widest = max(widest, line.naturalTextWidth())
    layout.endLayout()
    return int(widest + 1), int(height + 1)


_KIND_BADGES = {
    "image": ("IMG", "#7e57c2"),
    "video": ("VID", "#ef6c00"),
    "audio": ("♪", "#00897b"),
    "voice": ("♪", "#00897b"),
    "sticker": ("★", "#f9a825"),
    "document": ("DOC", "#1e88e5"),
}


def attachment_label(kind: str, file_name: str) -> str:
    if kind == "voice":
        return QCoreApplication.translate("Bubble", "Voice message")
    if kind == "sticker":
        return QCoreApplication.translate("Bubble", "Sticker")
    return display_name(file_name, QCoreApplication.translate("Bubble", "Attachment"))  # no bidi tricks


def body_text(item: ChatItem) -> str:
    if item.message.deleted_at is not None:
        return QCoreApplication.translate("Bubble", "This message was deleted")
    if item.message.kind == "pending":  # WhatsApp could not decrypt it yet; the phone is asked to resend it
        return QCoreApplication.translate("Bubble", "Waiting for this message…")
    return item.shown_text


def more_text() -> str:
    return QCoreApplication.translate("Bubble", "see the whole message")


@dataclass(frozen=True)
class BubbleLayout:
    height: int
    bubble: QRectF
    day: QRectF | None
    quote: QRectF | None
    attachments: QRectF | None
    thumbnail: QRectF | None
    subject: QRectF | None
    text: QRectF
    footer: QRectF
    reactions: QRectF | None
    more: QRectF | None = None  # "ver mensagem completa" under a folded text


def layout_for(item: ChatItem, new_day: bool, view_width: int, font: QFont) -> BubbleLayout:
    metrics = QFontMetrics(font)
    max_width = int(min(MAX_BUBBLE, max(view_width * 0.72, 200)))
    inner = max_width - 2 * PAD
    text = body_text(item)
    text_rect = QRect(0, 0, *wrapped_size(text, font, inner)) if text else QRect()
    footer_width = metrics.horizontalAdvance(footer_text(item)) + (24 if item.message.outgoing else 4)
    subject_width = metrics.horizontalAdvance(item.message.subject) + 12 if item.message.subject else 0
    content_width = max(
        text_rect.width(),
        footer_width,
        subject_width,
        140 if item.quote else 0,
        metrics.horizontalAdvance(more_text()) + 8 if item.folded else 0,
        220 if item.attachments else 0,
        THUMBNAIL_WIDTH if item.thumbnail is not None else 0,
    )
    if item.message.delivery == "failed":
        content_width = max(
            content_width,
            metrics.horizontalAdvance(failed_text()) + 30,
        )
    bubble_width = min(content_width + 2 * PAD, max_width)
    y = 4.0
    day = None
    if new_day:
        day = QRectF(0, y, view_width, DAY_BAND - 8)
        y += DAY_BAND
    top = y
    y += PAD
    quote = None
    if item.quote is not None:
        quote = QRectF(0, y, bubble_width - 2 * PAD, QUOTE_HEIGHT)
        y += QUOTE_HEIGHT + 6
    thumbnail = None
    if item.thumbnail is not None:
        thumbnail = QRectF(0, y, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT)
        y += THUMBNAIL_HEIGHT + 4
    subject = None
    if item.message.subject:
        subject = QRectF(0, y, bubble_width - 2 * PAD, metrics.lineSpacing() + 4)
        y += subject.height()
    attachments = None
    if item.attachments:
        attachments = QRectF(0, y, bubble_width - 2 * PAD, ATTACHMENT_LINE * len(item.attachments))
        y += attachments.height() + 4
    text_box = QRectF(0, y, bubble_width - 2 * PAD, text_rect.height())
    y += text_rect.height()
    more = None
    if item.folded:
        more = QRectF(0, y, bubble_width - 2 * PAD, metrics.lineSpacing() + 6)
        y += more.height()
    footer = QRectF(0, y, bubble_width - 2 * PAD, FOOTER)
    y += FOOTER + PAD
    bubble_height = y - top
    left = view_width - MARGIN - bubble_width if item.message.outgoing else MARGIN
    bubble = QRectF(left, top, bubble_width, bubble_height)
    for box in (quote, thumbnail, subject, attachments, text_box, more, footer):
        if box is not None:
            box.translate(left + PAD, 0)
    reactions = None
    if item.reactions:
        reactions = QRectF(left + 10, y - 4, 14 + 22 * len(item.reactions), REACTION_HEIGHT)
        y += REACTION_HEIGHT - 2
    return BubbleLayout(
        int(y + 4), bubble, day, quote, attachments, thumbnail, subject, text_box, footer, reactions, more
    )


def failed_text() -> str:
    return QCoreApplication.translate("Bubble", "failed — try again")


def channel_mark(item: ChatItem) -> str:
    """The channel a message came or went by, as its bubble shows it ("" when unknown)."""
    if item.channel == "whatsapp":
        return "\u25cf " + QCoreApplication.translate("Bubble", "WhatsApp")
    if item.channel == "email":
        return "\u2709 " + QCoreApplication.translate("Bubble", "E-mail")
    return ""


def footer_text(item: ChatItem) -> str:
    """What the bubble's footer reads: the channel mark, "edited" and the time."""
    text = _footer_text(item)
    mark = channel_mark(item)
    return f"{mark} · {text}" if mark else text


def _footer_text(item: ChatItem) -> str:
    time = theme.clock_text(item.message.sent_at)
    if item.message.edited_at is not None and item.message.deleted_at is None:
        edited = QCoreApplication.translate("Bubble", "edited")
        return f"{edited}  {time}"
    return time


class BubbleDelegate(QStyledItemDelegate):
    """Lays bubbles out once per (message state, width) and remembers the height: views ask for every row."""

    CACHE_LIMIT = 20_000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[object, ...], int] = {}
        self._pixmaps: dict[int, QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        try:
            return self._size_hint(option, index)
        except Exception as error:
            report_once("bubble size", error)
            return QSize(max(int(option.rect.width()), 0), PLACEHOLDER_HEIGHT)

    def _size_hint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        item = index.data(MessageRole)
        if not isinstance(item, ChatItem):
            return QSize(0, 0)
        width = self._view_width(option)
        new_day = bool(index.data(NewDayRole))
        key = (item, new_day, width, option.font.key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) >= self.CACHE_LIMIT:
                self._heights.clear()
            height = layout_for(item, new_day, width, option.font).height
            self._heights[key] = height
        return QSize(width, height)

    def _draw_thumbnail(self, painter: QPainter, box: QRectF, message_id: int, data: bytes) -> None:
        pixmap = self._pixmaps.get(message_id)
        if pixmap is None:
            image = QImage.fromData(data)
            pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
            if len(self._pixmaps) >= self.CACHE_LIMIT:
                self._pixmaps.clear()
            self._pixmaps[message_id] = pixmap
        if pixmap.isNull():
            theme.rounded(painter, box, QColor("#d1d7db"), 6)
            return
        scaled = pixmap.scaled(
            box.size().toSize(),
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter.save()
        try:
            path = QPainterPath()
            path.addRoundedRect(box, 6, 6)
            painter.setClipPath(path)
            painter.drawPixmap(box.topLeft(), scaled)
        finally:
            painter.restore()

    @staticmethod
    def _view_width(option: QStyleOptionViewItem) -> int:
        widget = option.widget
        if widget is not None and hasattr(widget, "viewport"):
            return int(widget.viewport().width())
        return int(option.rect.width())

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the bubble; whatever a stored value holds, a failure paints a placeholder (never raises into Qt)."""
        painter.save()
        try:
            item = index.data(MessageRole)
            if isinstance(item, ChatItem):
                self._paint_bubble(painter, option, item, bool(index.data(NewDayRole)))
        except Exception as error:
            report_once("bubble paint", error)
            painter.restore()
            painter.save()
            paint_placeholder(painter, option.rect)
        finally:
            painter.restore()

    def _paint_bubble(self, painter: QPainter, option: QStyleOptionViewItem, item: ChatItem, new_day: bool) -> None:
        font: QFont = option.font
        rect: QRect = option.rect
        lay = layout_for(item, new_day, rect.width(), font)
        painter.translate(rect.left(), rect.top())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(font)
        if lay.day is not None:
            label = theme.day_text(item.message.sent_at)
            width = metrics.horizontalAdvance(label) + 24
            pill = QRectF((lay.day.width() - width) / 2, lay.day.top() + 4, width, lay.day.height() - 6)
            theme.rounded(painter, pill, QColor("#ffffff"), 7)
            painter.setPen(theme.SECONDARY_TEXT)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)

        message = item.message
        theme.rounded(painter, lay.bubble, theme.OUTGOING_BUBBLE if message.outgoing else theme.INCOMING_BUBBLE)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        if lay.quote is not None and item.quote is not None:
            theme.rounded(painter, lay.quote, theme.QUOTE_BACKGROUND, 5)
            painter.fillRect(QRectF(lay.quote.left(), lay.quote.top(), 4, lay.quote.height()), theme.QUOTE_BAR)
            painter.setFont(small)
            painter.setPen(theme.QUOTE_BAR)
            who = item.quote_sender or QCoreApplication.translate("Bubble", "You")
            inner = lay.quote.adjusted(10, 3, -6, -3)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, who)
            painter.setPen(theme.SECONDARY_TEXT)
            quoted = QFontMetrics(small).elidedText(
                " ".join(item.quote.split()), Qt.TextElideMode.ElideRight, int(inner.width())
            )
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, quoted)
        if lay.thumbnail is not None and item.thumbnail is not None:
            self._draw_thumbnail(painter, lay.thumbnail, message.id, item.thumbnail)
        if lay.subject is not None:
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(QColor("#111b21"))
            subject = QFontMetrics(bold).elidedText(
                message.subject, Qt.TextElideMode.ElideRight, int(lay.subject.width())
            )
            painter.drawText(lay.subject, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, subject)
        if lay.attachments is not None:
            y = lay.attachments.top()
            for attachment in item.attachments:
                badge, colour = _KIND_BADGES.get(message.kind, _KIND_BADGES["document"])
                chip = QRectF(lay.attachments.left(), y + 2, 34, ATTACHMENT_LINE - 4)
                theme.rounded(painter, chip, QColor(colour), 4)
                painter.setFont(small)
                painter.setPen(QColor("white"))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, badge)
                painter.setPen(QColor("#111b21"))
                painter.setFont(font)
                name_box = QRectF(chip.right() + 8, y, lay.attachments.width() - 42, ATTACHMENT_LINE)
                name = metrics.elidedText(
                    attachment_label(message.kind, attachment.file_name),
                    Qt.TextElideMode.ElideMiddle,
                    int(name_box.width()),
                )
                painter.drawText(name_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
                y += ATTACHMENT_LINE
        text = body_text(item)
        if text:
            text_font = QFont(font)
            if message.deleted_at is not None or message.kind == "pending":
                text_font.setItalic(True)
                painter.setPen(theme.SECONDARY_TEXT)
            else:
                painter.setPen(QColor("#111b21"))
            painter.setFont(text_font)
            painter.drawText(lay.text, text, _wrap_option())
        if lay.more is not None:
            link_font = QFont(font)
            link_font.setUnderline(True)
            painter.setFont(link_font)
            painter.setPen(theme.EMAIL_BLUE)
            painter.drawText(lay.more, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, more_text())
        painter.setFont(small)
        painter.setPen(theme.SECONDARY_TEXT)
        right = lay.footer.right()
        if message.outgoing:
            right -= theme.draw_ticks(painter, right, lay.footer.bottom() - 2, message.delivery)
            painter.setFont(small)
        footer_box = QRectF(lay.footer.left(), lay.footer.top(), right - lay.footer.left() - 2, lay.footer.height())
        painter.setPen(theme.SECONDARY_TEXT)
        painter.drawText(footer_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, footer_text(item))
        if message.delivery == "failed":
            painter.setPen(theme.FAILED_RED)
            painter.drawText(
                footer_box,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                QCoreApplication.translate("Bubble", "failed — try again"),
            )
        if lay.reactions is not None:
            theme.rounded(painter, lay.reactions, QColor("#ffffff"), 10)
            painter.setFont(font)
            painter.setPen(QColor("#111b21"))
            painter.drawText(lay.reactions, Qt.AlignmentFlag.AlignCenter, " ".join(item.reactions))
