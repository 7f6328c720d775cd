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
PENDING_LIMIT: Final = 20_000
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


class PendingByTarget(Generic[V]):
    """Values waiting for a message (by channel id) that is not stored yet; forgotten after ``ttl`` seconds."""

    def __init__(
        self, ttl: float = PENDING_TTL_S, limit: int = PENDING_LIMIT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._limit = limit
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, list[V]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, target: object) -> bool:
        return target in self._items

    def add(self, target: str, value: V, since: float | None = None) -> None:
        """Keep ``value`` for ``target``; ``since`` (from :meth:`take`) keeps the original age of a put-back."""
        self._expire()
        entry = self._items.get(target)
        if entry is None:
            self._items[target] = (self._clock() if since is None else since, [value])
        else:
            entry[1].append(value)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def take(self, targets: Iterable[str]) -> list[tuple[str, float, list[V]]]:
        """Remove and return ``(target, since, values)`` for each of ``targets`` that has values waiting."""
        if not self._items:
            return []
        self._expire()
        found: list[tuple[str, float, list[V]]] = []
        for target in targets:
            entry = self._items.pop(target, None)
            if entry is not None:
                found.append((target, entry[0], entry[1]))
        return found

    def _expire(self) -> None:
        deadline = self._clock() - self._ttl
        while self._items:
            target, (added, _) = next(iter(self._items.items()))
            if added >= deadline:
                break
            del self._items[target]
