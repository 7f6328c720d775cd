"""What one adapter remembers during a session: addresses it learnt, recent messages to quote, and receipts or
changes that arrived before the message they refer to."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from deskchat.channels.whatsapp.jids import PN_SERVER, chat_key_for_lid, chat_key_for_pn
from deskchat.channels.whatsapp.values import IdentityLink

V = TypeVar("V")

PENDING_TTL_S: Final = 15 * 60.0
#: Bounds of the values waiting for a message not stored yet (see :class:`PendingByTarget`).
PENDING_LIMIT: Final = 20_000  # targets in all
PENDING_BYTES: Final = 16 * 1024 * 1024  # estimated bytes in all
PENDING_PER_TARGET: Final = 8  # values per target (a message gets a few receipts, reactions, one edit)
PENDING_PER_CHAT: Final = 4_000  # targets per chat
PENDING_CHAT_BYTES: Final = 4 * 1024 * 1024
PENDING_VALUE_SIZE: Final = 256  # estimated bytes of a receipt or a reaction
QUOTE_LIMIT: Final = 5_000


class AddressBook:
    """LID → phone-number pairs and, per chat key, the JID to send to."""

    def __init__(self) -> None:
        self.pn_for_lid: dict[str, str] = {}
        self._send_jid: dict[str, str] = {}

    def learn(self, link: IdentityLink) -> bool:
        """Remember a pair; True if it is new."""
        if self.pn_for_lid.get(link.lid_user) == link.pn_user:
            return False
        self.pn_for_lid[link.lid_user] = link.pn_user
        self.remember_send_jid(chat_key_for_pn(link.pn_user), f"{link.pn_user}@{PN_SERVER}")
        self._send_jid.setdefault(chat_key_for_lid(link.lid_user), f"{link.pn_user}@{PN_SERVER}")
        return True

    def remember_send_jid(self, chat_key: str, jid: str) -> None:
        """``jid`` is what WhatsApp itself used for this chat (the canonical JID, 9th digit or not)."""
        self._send_jid[chat_key] = jid

    def send_jid(self, chat_key: str) -> str | None:
        return self._send_jid.get(chat_key)


@dataclass(frozen=True, slots=True)
class QuotedMessage:
    from_me: bool
    author_jid: str  # the quoted message's author, without device
    message: bytes  # serialized waE2E.Message (content only)


class QuoteCache:
    """The latest messages seen live, so a reply can quote them the way WhatsApp expects."""

    def __init__(self, limit: int = QUOTE_LIMIT) -> None:
        self._limit = limit
        self._items: OrderedDict[str, QuotedMessage] = OrderedDict()

    def put(self, message_id: str, quoted: QuotedMessage) -> None:
        self._items[message_id] = quoted
        self._items.move_to_end(message_id)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def get(self, message_id: str) -> QuotedMessage | None:
        return self._items.get(message_id)


@dataclass(slots=True)
class _Waiting(Generic[V]):
    since: float
    values: list[V]
    size: int


class PendingByTarget(Generic[V]):
    """Values waiting for a message (by channel id) that is not stored yet; forgotten after ``ttl`` seconds.

    Bounded so that made-up targets cannot push out real ones: each value is filed under the chat it came from
    (``chat``) and its target; a target keeps its newest ``per_target`` values; a chat holds at most
    ``chat_limit`` targets and ``chat_bytes`` (estimated by ``size_of``), losing its own oldest beyond that; and
    when the whole exceeds ``limit`` targets or ``byte_limit``, the chat holding most loses its oldest. So a
    chat flooding fake targets only ever evicts its own.

    ``on_evict`` is told about every value dropped by these bounds or by the ``ttl`` (not those handed out by
    :meth:`take`): the processor removes the value's durable copy with it, so the store holds no more than memory.
    """

    def __init__(
        self,
        ttl: float = PENDING_TTL_S,
        limit: int = PENDING_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        *,
        byte_limit: int = PENDING_BYTES,
        per_target: int = PENDING_PER_TARGET,
        chat_limit: int = PENDING_PER_CHAT,
        chat_bytes: int = PENDING_CHAT_BYTES,
        size_of: Callable[[V], int] = lambda value: PENDING_VALUE_SIZE,
        on_evict: Callable[[V], None] | None = None,
    ) -> None:
        self._ttl = ttl
        self._limit = limit
        self._clock = clock
        self._byte_limit = byte_limit
        self._per_target = per_target
        self._chat_limit = chat_limit
        self._chat_byte_limit = chat_bytes
        self._size_of = size_of
        self._on_evict = on_evict
        self._items: OrderedDict[tuple[str, str], _Waiting[V]] = OrderedDict()  # (chat, target), oldest first
        self._chats: dict[str, OrderedDict[str, None]] = {}  # chat → its targets, oldest first
        self._chat_bytes: dict[str, int] = {}
        self._targets: dict[str, list[str]] = {}  # target → the chats with values for it
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._targets)

    def __contains__(self, target: object) -> bool:
        return target in self._targets

    @property
    def size(self) -> int:
        """Estimated bytes held."""
        return self._bytes

    def add(self, target: str, value: V, since: float | None = None, chat: str = "") -> None:
        """Keep ``value`` for ``target`` from ``chat``; ``since`` (from :meth:`take`) keeps a put-back's age."""
        self._expire()
        key = (chat, target)
        value_size = self._size_of(value)
        entry = self._items.get(key)
        if entry is None:
            entry = _Waiting(self._clock() if since is None else since, [], 0)
            self._items[key] = entry
            self._chats.setdefault(chat, OrderedDict())[target] = None
            self._targets.setdefault(target, []).append(chat)
        entry.values.append(value)
        entry.size += value_size
        self._grow(chat, value_size)
        while len(entry.values) > self._per_target:
            oldest = entry.values.pop(0)
            dropped = self._size_of(oldest)
            entry.size -= dropped
            self._grow(chat, -dropped)
            self._evicted([oldest])
        self._enforce(chat)

    def take(self, targets: Iterable[str]) -> list[tuple[str, float, list[V]]]:
        """Remove and return ``(target, since, values)`` for each of ``targets`` that has values waiting."""
        if not self._items:
            return []
        self._expire()
        found: list[tuple[str, float, list[V]]] = []
        for target in targets:
            chats = self._targets.get(target)
            if not chats:
                continue
            entries = [self._remove(chat, target) for chat in list(chats)]
            since = min(entry.since for entry in entries)
            found.append((target, since, [value for entry in entries for value in entry.values]))
        return found

    def _grow(self, chat: str, delta: int) -> None:
        self._bytes += delta
        self._chat_bytes[chat] = self._chat_bytes.get(chat, 0) + delta

    def _remove(self, chat: str, target: str) -> _Waiting[V]:
        entry = self._items.pop((chat, target))
        chat_targets = self._chats[chat]
        del chat_targets[target]
        self._grow(chat, -entry.size)
        if not chat_targets:
            del self._chats[chat]
            del self._chat_bytes[chat]
        chats = self._targets[target]
        chats.remove(chat)
        if not chats:
            del self._targets[target]
        return entry

    def _evicted(self, values: list[V]) -> None:
        if self._on_evict is not None:
            for value in values:
                self._on_evict(value)

    def _evict_oldest_of(self, chat: str) -> None:
        self._evicted(self._remove(chat, next(iter(self._chats[chat]))).values)

    def _enforce(self, chat: str) -> None:
        while chat in self._chats and (
            len(self._chats[chat]) > self._chat_limit or self._chat_bytes[chat] > self._chat_byte_limit
        ):
            self._evict_oldest_of(chat)
        while self._items and (len(self._items) > self._limit or self._bytes > self._byte_limit):
            self._evict_oldest_of(max(self._chats, key=lambda name: (len(self._chats[name]), self._chat_bytes[name])))

    def _expire(self) -> None:
        deadline = self._clock() - self._ttl
        while self._items:
            (chat, target), entry = next(iter(self._items.items()))
            if entry.since >= deadline:
                break
            self._evicted(self._remove(chat, target).values)
