"""How many conversations each tab holds, kept up to date change by change instead of recounting.

It remembers which (status, is_group) each conversation counts under, compactly (two bytes per conversation id), so
a changed conversation moves its count from its old key to its new one. A full recount (:meth:`TabCounts.load`)
happens only when many conversations changed at once (``ConversationsReset``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

#: (status, is_group) → how many conversations.
Counts = dict[tuple[str, bool], int]

_ABSENT = 0
#: Conversation ids below this are kept in a flat array (2 bytes each); larger ones (never seen in practice) in a dict.
MAX_ARRAY_ID = 10_000_000


class TabCounts:
    def __init__(self, counts: Counts) -> None:
        self.counts: Counts = dict(counts)
        self._keys: list[tuple[str, bool]] = []  # code - 1 → key
        self._codes_of: dict[tuple[str, bool], int] = {}
        self._by_id = array("H")  # conversation id → code of its key (0: unknown / not stored)
        self._beyond: dict[int, int] = {}  # the same for ids too large for the array
        self.ready = False  # the per-conversation keys are loaded (until then only whole recounts are right)

    @classmethod
    def counted(cls, rows: Iterable[tuple[int, str, bool]], known_keys: Iterable[tuple[str, bool]] = ()) -> TabCounts:
        """Counts from every conversation's (id, status, is_group): a full recount (run it off the GUI thread)."""
        made = cls({key: 0 for key in known_keys})
        for conversation_id, status, is_group in rows:
            made._set(conversation_id, (status, is_group))
        made.ready = True
        return made

    def update(self, conversation_id: int, key: tuple[str, bool] | None) -> None:
        """``conversation_id`` now counts under ``key`` (None: it is gone)."""
        if not self.ready:
            return
        self._set(conversation_id, key)

    def _set(self, conversation_id: int, key: tuple[str, bool] | None) -> None:
        if conversation_id < 0:
            return
        if conversation_id >= MAX_ARRAY_ID:
            old_code = self._beyond.get(conversation_id, _ABSENT)
        else:
            old_code = self._by_id[conversation_id] if conversation_id < len(self._by_id) else _ABSENT
        new_code = self._code(key) if key is not None else _ABSENT
        if old_code == new_code:
            return
        if old_code != _ABSENT:
            old_key = self._keys[old_code - 1]
            self.counts[old_key] = max(self.counts.get(old_key, 0) - 1, 0)
        if new_code != _ABSENT and key is not None:
            self.counts[key] = self.counts.get(key, 0) + 1
        if conversation_id >= MAX_ARRAY_ID:
            self._beyond[conversation_id] = new_code
            return
        if conversation_id >= len(self._by_id):
            self._by_id.extend(array("H", bytes(2 * (conversation_id + 1 - len(self._by_id)))))
        self._by_id[conversation_id] = new_code

    def _code(self, key: tuple[str, bool]) -> int:
        code = self._codes_of.get(key)
        if code is None:
            self._keys.append(key)
            code = len(self._keys)
            self._codes_of[key] = code
        return code
