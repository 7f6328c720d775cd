"""The bus → Qt bridge: re-emits domain events as Qt signals on the GUI thread, at UI priority."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from deskchat.core.bus import EventBus, Priority
from deskchat.core.events import (
    ChannelStateChanged,
    ContactChanged,
    ConversationChanged,
    ConversationsReset,
    HistorySyncProgressed,
    IntegrationLogged,
    MessageStored,
    MessageUpdated,
    QrCodeChanged,
)


class BusBridge(QObject):
    message_stored = Signal(int, int)  # conversation id, message id
    message_updated = Signal(int, int)  # conversation id, message id
    conversation_changed = Signal(int)
    conversations_reset = Signal()
    contact_changed = Signal(int)
    channel_state_changed = Signal(int, str, str)  # account id, state, detail
    qr_changed = Signal(int, str, int, float)  # account id, code, index, seconds it lives
    integration_logged = Signal(int)  # account id
    history_progressed = Signal(int, int, int)  # account id, percent, messages stored so far

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = [
            bus.subscribe(
                MessageStored,
                lambda e: self.message_stored.emit(e.conversation_id, e.message_id),
                Priority.UI,
            ),
            bus.subscribe(
                MessageUpdated,
                lambda e: self.message_updated.emit(e.conversation_id, e.message_id),
                Priority.UI,
            ),
            bus.subscribe(
                ConversationChanged, lambda e: self.conversation_changed.emit(e.conversation_id), Priority.UI
            ),
            bus.subscribe(ConversationsReset, lambda e: self.conversations_reset.emit(), Priority.UI),
            bus.subscribe(ContactChanged, lambda e: self.contact_changed.emit(e.contact_id), Priority.UI),
            bus.subscribe(
                ChannelStateChanged,
                lambda e: self.channel_state_changed.emit(e.account_id, e.state, e.detail),
                Priority.UI,
            ),
            bus.subscribe(
                QrCodeChanged, lambda e: self.qr_changed.emit(e.account_id, e.code, e.index, e.expires_in), Priority.UI
            ),
            bus.subscribe(IntegrationLogged, lambda e: self.integration_logged.emit(e.account_id), Priority.UI),
            bus.subscribe(
                HistorySyncProgressed,
                lambda e: self.history_progressed.emit(e.account_id, e.percent, e.messages),
                Priority.UI,
            ),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
