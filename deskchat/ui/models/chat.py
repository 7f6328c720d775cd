"""The open customer's timeline: the messages of all their conversations (WhatsApp, e-mail) in one time order, the
newest page at once, older pages on demand, live rows in place. Each message carries its channel.

:attr:`ChatModel.conversation_id` is the conversation the composer sends to (the reply channel): by default the one
the customer last wrote on; :meth:`ChatModel.set_target` switches it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal

from deskchat.store import messages
from deskchat.store.chat_page import (
    PageExtras,
    TimelineMember,
    customer_of,
    page_extras,
    timeline_members,
    timeline_page_before,
)
from deskchat.store.database import Store
from deskchat.store.messages import MessageRow
from deskchat.ui.paint_guard import guarded
from deskchat.ui.worker_threads import run_in_thread

PAGE_SIZE = 60
#: A bubble shows at most this much of a text; the rest opens in a viewer ("ver mensagem completa").
FOLD_CHARS = 4000
FOLD_LINES = 60
#: A quoted message is shown on one line: never more than this is kept.
QUOTE_CHARS = 200
MessageRole = Qt.ItemDataRole.UserRole + 1
MessageIdRole = Qt.ItemDataRole.UserRole + 2
NewDayRole = Qt.ItemDataRole.UserRole + 3  # bool: the first message of its day (draw a day separator above)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Attachment:
    file_name: str
    mime: str
    size: int


@dataclass(frozen=True)
class ChatItem:
    """What a bubble shows: the message and what it refers to."""

    message: MessageRow
    quote: str | None = None  # text of the message it replies to
    quote_sender: str = ""
    attachments: tuple[Attachment, ...] = ()
    reactions: tuple[str, ...] = field(default_factory=tuple)
    thumbnail: bytes | None = None  # preview of an image, video or sticker
    failure_reason: str = ""  # why a "falhou" message was parked (its tooltip)
    shown_text: str = ""  # the text as the bubble shows it: folded when long
    folded: bool = False  # the bubble shows only the start of the text
    channel: str = ""  # ChannelKind value of the conversation the message belongs to ("": unknown)


def fold_text(text: str, cut: bool = False) -> tuple[str, bool]:
    """The start of ``text`` a bubble shows (≤ FOLD_CHARS characters, ≤ FOLD_LINES lines), and whether it was cut.

    ``cut``: ``text`` is only the start of a longer text already.
    """
    head = text[:FOLD_CHARS]
    lines = head.split("\n", FOLD_LINES)
    if len(lines) > FOLD_LINES:
        return "\n".join(lines[:FOLD_LINES]), True
    return head, cut or len(text) > FOLD_CHARS


def _sort_key(row: MessageRow) -> tuple[int, int]:
    return (row.sent_at, row.id)


def _local_day(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000).replace(hour=0, minute=0, second=0, microsecond=0)


def quoted_text(target: MessageRow) -> str:
    """How a bubble names the message it answers: a mail by its subject (the mail it replies to), else its text."""
    if target.kind == "email" and target.subject:
        return target.subject
    return target.text or target.subject or target.kind


def loading_text() -> str:
    return QCoreApplication.translate("Bubble", "Loading a long message…")


def default_target(members: list[TimelineMember], opened: int) -> int:
    """The reply channel a timeline starts with: the conversation the customer last wrote on (else ``opened``)."""
    wrote = [member for member in members if member.last_incoming_at > 0]
    if not wrote:
        return opened
    return max(wrote, key=lambda member: (member.last_incoming_at, member.conversation_id)).conversation_id


class ChatModel(QAbstractListModel):
    #: The conversation the composer sends to changed (the reply channel): its id.
    target_changed = Signal(int)
    #: A conversation joined the timeline (the customer wrote on a new channel): :attr:`members` changed.
    members_changed = Signal()

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._opening = 0  # counts open() calls: late texts of a conversation left meanwhile are dropped
        self.conversation_id: int | None = None  # the reply channel's conversation
        self.members: list[TimelineMember] = []  # the conversations of the timeline
        self._channel_of: dict[int, str] = {}  # conversation id → its channel, for every member
        self._customer: int | None = None  # the contact whose timeline this is (None: a group, or nothing open)
        self._items: list[ChatItem] = []
        self._has_older = False
        self._loading = False

    # -- Qt model interface ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return guarded("chat data", lambda: self._data(index, role), None)

    def _data(self, index: _Index, role: int) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.shown_text
        if role == MessageRole:
            return item
        if role == MessageIdRole:
            return item.message.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.failure_reason or None
        if role == NewDayRole:
            row = index.row()
            return row == 0 or _local_day(self._items[row - 1].message.sent_at) != _local_day(item.message.sent_at)
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_older

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.load_older()

    # -- loading -----------------------------------------------------------------------------------------------

    @property
    def member_ids(self) -> list[int]:
        return [member.conversation_id for member in self.members]

    def open(self, conversation_id: int | None) -> None:
        """Show the newest page of the timeline ``conversation_id`` belongs to (or nothing); the reply channel is the
        one the customer last wrote on."""
        self.beginResetModel()
        self._opening += 1
        self.conversation_id = conversation_id
        self.members = []
        self._channel_of = {}
        self._customer = None
        self._items = []
        self._has_older = False
        if conversation_id is not None:
            with self._store.read() as conn:
                self._set_members(timeline_members(conn, conversation_id))
                self._customer = customer_of(conn, conversation_id)
                self.conversation_id = default_target(self.members, conversation_id)
                rows = timeline_page_before(conn, self.member_ids or [conversation_id], None, PAGE_SIZE)
                extras = page_extras(conn, rows, ())
            self._items = self._decorate(rows, extras)
            self._has_older = len(rows) == PAGE_SIZE
        self.endResetModel()
        self._load_missing_texts(self._items)

    def _set_members(self, members: list[TimelineMember]) -> None:
        self.members = members
        self._channel_of = {member.conversation_id: member.channel for member in members}

    def set_target(self, conversation_id: int) -> bool:
        """Send by ``conversation_id`` from now on (one of the timeline's conversations); False if it is not one."""
        if conversation_id not in self._channel_of:
            return False
        if conversation_id != self.conversation_id:
            self.conversation_id = conversation_id
            self.target_changed.emit(conversation_id)
        return True

    def add_member(self, conversation_id: int) -> bool:
        """A conversation of this customer was just started (a new channel): read the members again, so its
        messages join the timeline. False if it does not belong to the timeline."""
        if self.conversation_id is None:
            return False
        with self._store.read() as conn:
            members = timeline_members(conn, self.conversation_id)
        if conversation_id not in {member.conversation_id for member in members}:
            return False
        self._set_members(members)
        return True

    def load_older(self) -> int:
        """Prepend the page before the oldest loaded message; returns how many rows came."""
        if self.conversation_id is None or not self._has_older or not self._items or self._loading:
            return 0
        self._loading = True  # views (and the model tester) may ask for more from inside our own signals
        try:
            return self._prepend_older_page(self.conversation_id)
        finally:
            self._loading = False

    def _prepend_older_page(self, conversation_id: int) -> int:
        oldest = self._items[0].message
        with self._store.read() as conn:
            ids = self.member_ids or [conversation_id]
            rows = timeline_page_before(conn, ids, (oldest.sent_at, oldest.id), PAGE_SIZE)
            extras = page_extras(conn, rows, self._known_channel_ids())
        items = self._decorate(rows, extras)
        self._has_older = len(rows) == PAGE_SIZE
        if items:
            self.beginInsertRows(QModelIndex(), 0, len(items) - 1)
            self._items[:0] = items
            self.endInsertRows()
            # the former first row may no longer start a new day
            first_old = self.index(len(items), 0)
            self.dataChanged.emit(first_old, first_old, [NewDayRole])
            self._load_missing_texts(items)
        return len(items)

    def row_of(self, message_id: int) -> int:
        for position in range(len(self._items) - 1, -1, -1):
            if self._items[position].message.id == message_id:
                return position
        return -1

    def item_at(self, row: int) -> ChatItem:
        return self._items[row]

    # -- live updates ------------------------------------------------------------------------------------------

    def _shows(self, conversation_id: int) -> bool:
        return conversation_id == self.conversation_id or conversation_id in self._channel_of

    def shows(self, conversation_id: int) -> bool:
        """Whether ``conversation_id`` is part of the open timeline: one of its conversations, or a conversation of
        the same customer started since it was opened (one indexed read)."""
        if self._shows(conversation_id):
            return True
        if self._customer is None:
            return False
        with self._store.read() as conn:
            return customer_of(conn, conversation_id) == self._customer

    def _join_if_same_customer(self, conversation_id: int) -> bool:
        """A message of a conversation outside the timeline: if it is the customer's (a channel just started), the
        conversation joins the timeline; False if it is someone else's."""
        if self._customer is None or self.conversation_id is None:
            return False
        with self._store.read() as conn:
            if customer_of(conn, conversation_id) != self._customer:
                return False
            self._set_members(timeline_members(conn, self.conversation_id))
        self.members_changed.emit()
        return True

    def on_message_stored(self, conversation_id: int, message_id: int) -> None:
        if not self._shows(conversation_id) and not self._join_if_same_customer(conversation_id):
            return
        if self.row_of(message_id) >= 0:
            return
        with self._store.read() as conn:
            row = messages.get(conn, message_id)
            if row is None:
                return
            extras = page_extras(conn, [row], self._known_channel_ids())
        (item,) = self._decorate([row], extras)
        keys = [_sort_key(existing.message) for existing in self._items]
        position = bisect_left(keys, _sort_key(row))
        if position == 0 and self._has_older:
            return  # older than the loaded page: it will come when scrolling up
        self.beginInsertRows(QModelIndex(), position, position)
        self._items.insert(position, item)
        self.endInsertRows()
        self._load_missing_texts([item])

    def on_message_updated(self, conversation_id: int, message_id: int) -> None:
        if not self._shows(conversation_id):
            return
        position = self.row_of(message_id)
        if position < 0:
            return
        with self._store.read() as conn:
            row = messages.get(conn, message_id)
            if row is None:
                return
            extras = page_extras(conn, [row], self._known_channel_ids())
        (item,) = self._decorate([row], extras)
        self._items[position] = item
        index = self.index(position, 0)
        self.dataChanged.emit(index, index)
        self._load_missing_texts([item])

    # -- very long texts ---------------------------------------------------------------------------------------

    def _load_missing_texts(self, items: list[ChatItem]) -> None:
        """Read the start of texts too long to read with the page, on a worker thread (a plain thread: the model
        may be used before the event loop runs); each bubble shows "loading" until its text comes."""
        ids = [item.message.id for item in items if item.message.text_missing]
        if not ids:
            return
        store, opening = self._store, self._opening

        def work() -> dict[int, MessageRow | None]:
            with store.read() as conn:
                return {message_id: messages.window_row(conn, message_id) for message_id in ids}

        run_in_thread(work, lambda rows: self._show_loaded_texts(opening, rows), self, "long-text")

    def _show_loaded_texts(self, opening: int, rows: dict[int, MessageRow | None]) -> None:
        if opening != self._opening:
            return
        for message_id, row in rows.items():
            position = self.row_of(message_id)
            if position < 0 or row is None:
                continue
            with self._store.read() as conn:  # its quote, files and reactions (small reads)
                extras = page_extras(conn, [row], self._known_channel_ids())
            (self._items[position],) = self._decorate([row], extras)
            index = self.index(position, 0)
            self.dataChanged.emit(index, index)

    # -- helpers -----------------------------------------------------------------------------------------------

    def _known_channel_ids(self) -> set[str]:
        return {item.message.channel_id for item in self._items}

    def _decorate(self, rows: list[MessageRow], extras: PageExtras) -> list[ChatItem]:
        by_channel_id = {item.message.channel_id: item.message for item in self._items}
        by_channel_id.update({row.channel_id: row for row in rows})
        by_channel_id.update(extras.quoted)
        items = []
        for row in rows:
            quote: str | None = None
            quote_sender = ""
            if row.reply_to_channel_id:
                target = by_channel_id.get(row.reply_to_channel_id)
                if target is not None:
                    quote = quoted_text(target)[:QUOTE_CHARS]
                    quote_sender = "" if target.outgoing else target.sender_name
            shown_text, folded = (loading_text(), True) if row.text_missing else fold_text(row.text, row.text_cut)
            items.append(
                ChatItem(
                    message=row,
                    quote=quote,
                    quote_sender=quote_sender,
                    attachments=tuple(Attachment(*entry) for entry in extras.files.get(row.id, [])),
                    reactions=tuple(extras.reactions.get(row.id, [])),
                    thumbnail=extras.thumbnails.get(row.id),
                    failure_reason=extras.failures.get(row.id, ""),
                    shown_text=shown_text,
                    folded=folded,
                    channel=self._channel_of.get(row.conversation_id, ""),
                )
            )
        return items
