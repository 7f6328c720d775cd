"""The bus → Qt bridge: re-emits domain events as Qt signals on the GUI thread, at UI priority.

Conversation changes are also coalesced per frame: ``conversations_changed`` carries every conversation changed
since the last frame (each once), so a burst of messages from many customers updates the lists in one pass.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from deskchat.core.bus import EventBus, Priority
from deskchat.core.events import (
    ChannelStateChanged,
    ContactChanged,
    ConversationChanged,
    ConversationsReset,
    CrmRecordsPulled,
    CrmSyncChanged,
    HistorySyncProgressed,
    IntegrationLogged,
    MessageStored,
    MessageUpdated,
    QrCodeChanged,
    StorageFullChanged,
)

#: One frame at 60 Hz: conversation changes are gathered this long before the lists update.
FRAME_MS = 16


class BusBridge(QObject):
    message_stored = Signal(int, int)  # conversation id, message id
    message_updated = Signal(int, int)  # conversation id, message id
    conversation_changed = Signal(int)
    conversations_changed = Signal(list)  # conversation ids changed in the last frame, each once, in order
    conversations_reset = Signal()
    contact_changed = Signal(int)
    channel_state_changed = Signal(int, str, str)  # account id, state, detail
    qr_changed = Signal(int, str, int, float)  # account id, code, index, seconds it lives
    integration_logged = Signal(int)  # account id
    history_progressed = Signal(int, int, int)  # account id, percent, messages stored so far
    storage_full_changed = Signal(bool)  # the disk is full: received messages wait for space
    crm_sync_changed = Signal(str, int, int, int)  # why the CRM lane is stalled ("" if not), queued, failed, conflicts
    crm_records_pulled = Signal(list, list)  # local contact ids whose CRM client or cases changed, changed case ids

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changed: dict[int, None] = {}  # an ordered set
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FRAME_MS)
        self._flush_timer.timeout.connect(self.flush_changes)
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
            bus.subscribe(ConversationChanged, self._conversation_changed, Priority.UI),
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
            bus.subscribe(StorageFullChanged, lambda e: self.storage_full_changed.emit(e.full), Priority.UI),
            bus.subscribe(
                CrmSyncChanged,
                lambda e: self.crm_sync_changed.emit(e.stalled, e.queued, e.failed, e.conflicts),
                Priority.UI,
            ),
            bus.subscribe(
                CrmRecordsPulled,
                lambda e: self.crm_records_pulled.emit(sorted(e.contact_ids), sorted(e.case_ids)),
                Priority.UI,
            ),
        ]

    def _conversation_changed(self, event: ConversationChanged) -> None:
        self.conversation_changed.emit(event.conversation_id)
        self._changed[event.conversation_id] = None
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush_changes(self) -> None:
        """Announce the conversations changed since the last frame (at once, if any are waiting)."""
        self._flush_timer.stop()
        if self._changed:
            changed = list(self._changed)
            self._changed.clear()
            self.conversations_changed.emit(changed)

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._flush_timer.stop()
        self._changed.clear()
