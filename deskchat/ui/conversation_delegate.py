"""Paints one row of the conversation list: avatar, name, time, channel, preview and unread badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from deskchat.core.filenames import without_bidi_controls
from deskchat.store.conversations import ConversationRow
from deskchat.ui import theme
from deskchat.ui.models.conversation_list import ConversationRole
from deskchat.ui.paint_guard import paint_placeholder, report_once

ROW_HEIGHT = 68
AVATAR = 44


class ConversationDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paint the row; whatever a stored value holds, a failure paints a placeholder (never raises into Qt)."""
        painter.save()
        try:
            row = index.data(ConversationRole)
            if isinstance(row, ConversationRow):
                self._paint_row(painter, option, row)
        except Exception as error:
            report_once("conversation row paint", error)
            painter.restore()
            painter.save()
            paint_placeholder(painter, option.rect)
        finally:
            painter.restore()

    def _paint_row(self, painter: QPainter, option: QStyleOptionViewItem, row: ConversationRow) -> None:
        rect = QRectF(option.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        state = option.state
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, QColor("#e9edef"))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, theme.SELECTION)

        # avatar with initials and a channel mark
        avatar = QRectF(rect.left() + 10, rect.top() + (rect.height() - AVATAR) / 2, AVATAR, AVATAR)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.avatar_colour(row.contact_id))
        painter.drawEllipse(avatar)
        base_font = QFont(option.font)
        initials_font = QFont(base_font)
        initials_font.setBold(True)
        painter.setFont(initials_font)
        painter.setPen(QColor("white"))
        painter.drawText(avatar, Qt.AlignmentFlag.AlignCenter, theme.initials(row.title))
        mark = QRectF(avatar.right() - 14, avatar.bottom() - 14, 16, 16)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(theme.WHATSAPP_GREEN if row.channel == "whatsapp" else theme.EMAIL_BLUE)
        painter.drawEllipse(mark)
        small = QFont(base_font)
        small.setPointSizeF(max(base_font.pointSizeF() * 0.62, 5.5))
        small.setBold(True)
        painter.setFont(small)
        painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, "W" if row.channel == "whatsapp" else "@")

        # first line: name and time
        left = avatar.right() + 12
        right = rect.right() - 10
        title_font = QFont(base_font)
        title_font.setPointSizeF(base_font.pointSizeF() * 1.05)
        if row.unread_count:
            title_font.setBold(True)
        time_text = theme.list_time_text(row.last_message_at) if row.last_message_at else ""
        painter.setFont(base_font)
        time_width = QFontMetrics(base_font).horizontalAdvance(time_text) + 4
        painter.setPen(theme.UNREAD_BADGE if row.unread_count else theme.SECONDARY_TEXT)
        line1 = QRectF(left, rect.top() + 12, right - left, 22)
        painter.drawText(line1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, time_text)
        painter.setFont(title_font)
        painter.setPen(QColor("#111b21"))
        title = QFontMetrics(title_font).elidedText(
            row.title, Qt.TextElideMode.ElideRight, int(line1.width() - time_width)
        )
        painter.drawText(line1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        # second line: preview and unread badge
        line2 = QRectF(left, rect.top() + 36, right - left, 22)
        badge_width = 0.0
        if row.unread_count:
            count = str(row.unread_count) if row.unread_count < 1000 else "999+"
            painter.setFont(small)
            badge_width = max(20.0, QFontMetrics(small).horizontalAdvance(count) + 10)
            badge = QRectF(line2.right() - badge_width, line2.top() + 1, badge_width, 20)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.UNREAD_BADGE)
            painter.drawRoundedRect(badge, 10, 10)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, count)
        painter.setFont(base_font)
        painter.setPen(theme.SECONDARY_TEXT)
        preview = " ".join(without_bidi_controls(row.last_preview).split())  # a file name may be the preview
        if row.last_outgoing:
            preview = "✓ " + preview
        preview = QFontMetrics(base_font).elidedText(
            preview, Qt.TextElideMode.ElideRight, int(line2.width() - badge_width - 8)
        )
        painter.drawText(line2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, preview)
        painter.setPen(QPen(QColor("#e9edef"), 1))
        painter.drawLine(QPointF(left, rect.bottom()), QPointF(rect.right(), rect.bottom()))
