"""The attendant's side of :mod:`deskchat.services.notifications`: desktop notification, sound, unread counts.

The service decides; this presenter shows. A desktop notification goes through the tray icon
(``QSystemTrayIcon.showMessage``: the freedesktop notification service on Linux, the notification centre on Windows
and macOS); clicking it brings the window to the front on that conversation. The sound is a short WAV played with
QtMultimedia (loaded on the first message, so start-up does not pay for it; without it there is no sound, and the
log says why once). The unread total shows in the window title ("(3) DeskChat") and on the tray icon (tooltip and a
badge drawn on the icon).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from PySide6.QtCore import QLoggingCategory, QObject, QPoint, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap, QPolygon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from deskchat.config import Settings
from deskchat.core.bus import EventBus
from deskchat.services.notifications import Notification, NotificationService

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

    from deskchat.store.database import Store

log = logging.getLogger("deskchat.ui")

ICON_SIZE = 64
NOTIFICATION_MS = 10_000
SOUND_FILE = "new_message.wav"


def sound_path() -> str:
    return str(resources.files("deskchat.resources") / "sounds" / SOUND_FILE)


def badge_text(total: int) -> str:
    return "99+" if total > 99 else str(total)


def tray_icon(total: int) -> QIcon:
    """DeskChat's speech bubble, with a red badge holding ``total`` when there are unread messages."""
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#00897b"))
    painter.drawRoundedRect(4, 8, 52, 40, 12, 12)
    painter.drawPolygon(QPolygon([QPoint(14, 44), QPoint(14, 58), QPoint(28, 46)]))  # the bubble's tail
    if total > 0:
        text = badge_text(total)
        width = 30 if len(text) == 1 else 40
        badge = QRect(ICON_SIZE - width, 0, width, 30)
        painter.setBrush(QColor("#d32f2f"))
        painter.drawRoundedRect(badge, 15, 15)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(20 if len(text) < 3 else 16)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class DesktopNotifier(QObject):
    """Presents what :class:`NotificationService` decides, for one window."""

    def __init__(
        self,
        window: QWidget,
        store: Store,
        bus: EventBus,
        settings: Settings,
        *,
        is_open: Callable[[int], bool],
        open_conversation: Callable[[int], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._base_title = window.windowTitle()
        self._is_open = is_open  # whether a conversation is part of the timeline the chat shows
        self._open_conversation = open_conversation
        self.unread_total = 0
        self.last_notified: int | None = None
        self.sound: QSoundEffect | None = None
        self._sound_unavailable = False
        self.tray = QSystemTrayIcon(tray_icon(0), self)
        self.tray.setObjectName("trayIcon")
        self.tray.setToolTip("DeskChat")
        self.tray.messageClicked.connect(self.open_notified_conversation)
        self.tray.activated.connect(self._tray_activated)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        self.service = NotificationService(store, bus, settings, self)
        self.service.recount()

    def close(self) -> None:
        self.service.close()
        self.tray.hide()

    # -- NotificationPresenter -------------------------------------------------------------------------------

    def is_watching(self, conversation_id: int) -> bool:
        window = self._window
        return (
            window.isVisible()
            and window.isActiveWindow()
            and not window.isMinimized()
            and self._is_open(conversation_id)
        )

    def notify(self, notification: Notification) -> None:
        if notification.desktop:
            self.last_notified = notification.conversation_id
            channel = self.tr("WhatsApp") if notification.channel == "whatsapp" else self.tr("E-mail")
            body = notification.first_line
            if notification.more:
                body += "\n" + self.tr("(and %1 more new messages)").replace("%1", str(notification.more))
            self.tray.showMessage(
                f"{notification.contact} · {channel}",
                body,
                QSystemTrayIcon.MessageIcon.Information,
                NOTIFICATION_MS,
            )
        if notification.sound:
            self.play_sound()

    def show_unread_total(self, total: int) -> None:
        self.unread_total = total
        self._window.setWindowTitle(f"({badge_text(total)}) {self._base_title}" if total else self._base_title)
        self.tray.setIcon(tray_icon(total))
        self.tray.setToolTip(self.tr("DeskChat — %1 unread").replace("%1", badge_text(total)) if total else "DeskChat")

    # -- actions ---------------------------------------------------------------------------------------------

    def open_notified_conversation(self) -> None:
        """The notification was clicked: the window in front, on the conversation it told of."""
        self._bring_window_forward()
        if self.last_notified is not None:
            self._open_conversation(self.last_notified)

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self._bring_window_forward()

    def _bring_window_forward(self) -> None:
        if self._window.isMinimized():
            self._window.showNormal()
        self._window.show()
        self._window.raise_()
        self._window.activateWindow()

    def play_sound(self) -> None:
        effect = self.sound_effect()
        if effect is not None:
            effect.play()

    def sound_effect(self) -> QSoundEffect | None:
        """The new-message sound, loaded on first use (``None`` where QtMultimedia cannot be loaded)."""
        if self.sound is None and not self._sound_unavailable:
            # QtMultimedia lists each optional library it did not find (PipeWire, VA-API video decoding): a WAV
            # needs none of them, so that category is silenced; every other Qt message still shows.
            QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError as error:  # PySide6-Addons or libpulse0 missing
                self._sound_unavailable = True
                log.warning("no notification sound: QtMultimedia cannot be loaded (%s)", type(error).__name__)
                return None
            self.sound = QSoundEffect(self)
            self.sound.setSource(QUrl.fromLocalFile(sound_path()))
            self.sound.setVolume(0.6)
        return self.sound
