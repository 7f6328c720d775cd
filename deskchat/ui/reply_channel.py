"""The reply-channel picker above the composer: by which of the customer's channels the next message goes.

Shown only when the customer can be reached by more than one channel: their conversations (WhatsApp, e-mail) and,
when a starter is given, the accounts they have an address for but no conversation on yet (choosing one starts
that conversation through the machinery of "Nova conversa",
:class:`deskchat.services.conversations_start.ConversationStarter`).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from deskchat.services.conversations_start import StartRefused
from deskchat.store.chat_page import NewChannel, TimelineMember, new_channels
from deskchat.store.database import Store
from deskchat.ui.new_conversation import refusal_text
from deskchat.ui.notices import WindowNotices
from deskchat.ui.tasks import run_async


class _Started(Protocol):
    @property
    def conversation_id(self) -> int: ...


class Starter(Protocol):
    async def start(self, account_id: int, address: str, name: str = "") -> _Started: ...


class ReplyChannelPicker(QWidget):
    #: The attendant chose to reply by this conversation (started first when it was a new channel).
    chosen = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyChannelPicker")
        self._store = store
        self._starter: Starter | None = None
        self._options: list[TimelineMember | NewChannel] = []
        self._filling = False
        self._current = -1  # the option the composer sends by (where a refused new channel goes back to)
        self.label = QLabel(self.tr("Reply by"), self)
        self.combo = QComboBox(self)
        self.combo.setObjectName("replyChannelCombo")
        self.combo.currentIndexChanged.connect(self._changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.hide()

    def set_starter(self, starter: Starter | None) -> None:
        """Offer the accounts the customer has no conversation on yet, started with ``starter`` when chosen."""
        self._starter = starter

    def show_for(self, members: list[TimelineMember], target: int | None) -> None:
        """Offer the timeline's channels, ``target`` chosen; hidden when there is only one."""
        new: list[NewChannel] = []
        if self._starter is not None and members:
            with self._store.read() as conn:
                new = new_channels(conn, members[0].conversation_id, members)
        self._filling = True
        try:
            self.combo.clear()
            self._options = [*members, *new]
            for option in self._options:
                self.combo.addItem(self._describe(option))
            chosen = next(
                (
                    n
                    for n, option in enumerate(self._options)
                    if isinstance(option, TimelineMember) and option.conversation_id == target
                ),
                0,
            )
            self._current = chosen if self._options else -1
            self.combo.setCurrentIndex(self._current)
        finally:
            self._filling = False
        self.setVisible(len(self._options) > 1)

    def chosen_channel(self) -> str:
        """The channel kind now chosen ("": none)."""
        position = self.combo.currentIndex()
        return self._options[position].channel if 0 <= position < len(self._options) else ""

    def choose(self, channel: str) -> bool:
        """Choose the first option of ``channel`` (as the attendant would in the list); False if there is none."""
        position = next((n for n, option in enumerate(self._options) if option.channel == channel), -1)
        if position < 0:
            return False
        self.combo.setCurrentIndex(position)
        return True

    def _describe(self, option: TimelineMember | NewChannel) -> str:
        channel = self.tr("WhatsApp") if option.channel == "whatsapp" else self.tr("E-mail")
        if isinstance(option, NewChannel):
            return self.tr("%1 · %2 (new conversation)").replace("%1", channel).replace("%2", option.account_name)
        return f"{channel} · {option.account_name}"

    def _changed(self, position: int) -> None:
        if self._filling or not 0 <= position < len(self._options):
            return
        option = self._options[position]
        if isinstance(option, TimelineMember):
            self._current = position
            self.chosen.emit(option.conversation_id)
        elif self._starter is not None:
            run_async(self._start(self._starter, option), self)

    async def _start(self, starter: Starter, option: NewChannel) -> None:
        """Start the new channel; a refusal (the channel offline, the number not on WhatsApp) is told in words and
        the picker goes back to the channel it was on."""
        try:
            started = await starter.start(option.account_id, option.address)
        except StartRefused as refused:
            self._go_back()
            WindowNotices(self.window()).warning(refusal_text(refused.refusal, option.channel))
            return
        self.chosen.emit(started.conversation_id)

    def _go_back(self) -> None:
        self._filling = True
        try:
            self.combo.setCurrentIndex(self._current)
        finally:
            self._filling = False
