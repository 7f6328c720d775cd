"""One tab of the conversation list: one row per customer (and per group) of one scope, newest first, paged lazily.

A row stands for every conversation of its customer (see :mod:`deskchat.store.customer_list`): any of their
conversation ids finds it, and a change to any of them moves the one row.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from deskchat.store import customer_list
from deskchat.store.conversations import ConversationRow, ListScope
from deskchat.store.database import Store
from deskchat.ui.paint_guard import guarded

PAGE_SIZE = 100
ConversationRole = Qt.ItemDataRole.UserRole + 1
ConversationIdRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def _order_key(row: ConversationRow) -> tuple[int, int]:
    """Ascending key of the list order (newest first)."""
    at, conversation_id = row.order
    return (-at, -conversation_id)


class ConversationListModel(QAbstractListModel):
    def __init__(self, store: Store, scope: ListScope | str, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self.scope = scope if isinstance(scope, ListScope) else ListScope(scope)
        self._rows: list[ConversationRow] = []
        self._by_key: dict[int, ConversationRow] = {}  # the same rows by ConversationRow.key
        self._key_of: dict[int, int] = {}  # conversation id → key of the row that shows it
        self._exhausted = False
        self.fetch_page()

    # -- Qt model interface ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return guarded("conversation list data", lambda: self._data(index, role), None)

    def _data(self, index: _Index, role: int) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.last_preview
        if role == ConversationRole:
            return row
        if role == ConversationIdRole:
            return row.id
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.fetch_page()

    # -- loading and updating ----------------------------------------------------------------------------------

    def fetch_page(self) -> None:
        if self._exhausted:
            return
        after = self._rows[-1].order if self._rows else None
        with self._store.read() as conn:
            page = customer_list.page(conn, self.scope, after, PAGE_SIZE)
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            for row in page:
                self._remember(row)
            self.endInsertRows()

    def reload(self) -> None:
        with self._store.read() as conn:
            first_page = customer_list.page(conn, self.scope, None, PAGE_SIZE)
        self.replace_first_page(first_page)

    def replace_first_page(self, first_page: list[ConversationRow]) -> None:
        """Show ``first_page`` (read elsewhere) as the whole list; later pages come on demand."""
        self.beginResetModel()
        self._rows = list(first_page)
        self._by_key = {}
        self._key_of = {}
        for row in first_page:
            self._remember(row)
        self._exhausted = len(first_page) < PAGE_SIZE
        self.endResetModel()

    def _remember(self, row: ConversationRow) -> None:
        self._by_key[row.key] = row
        for member in row.member_ids or (row.id,):
            self._key_of[member] = row.key

    def _forget(self, row: ConversationRow) -> None:
        self._by_key.pop(row.key, None)
        for member in row.member_ids or (row.id,):
            if self._key_of.get(member) == row.key:
                del self._key_of[member]

    def row_of(self, conversation_id: int) -> int:
        """Where the row showing the conversation is listed (-1: not loaded in this tab)."""
        key = self._key_of.get(conversation_id)
        return -1 if key is None else self._row_of_key(key)

    def _row_of_key(self, key: int) -> int:
        known = self._by_key.get(key)
        if known is None:
            return -1
        position = bisect_left(self._rows, _order_key(known), key=_order_key)
        if position < len(self._rows) and self._rows[position].key == key:
            return position
        # rows whose stored times were out of order: look them up one by one
        return next((n for n, row in enumerate(self._rows) if row.key == key), -1)

    def refresh(self, conversation_id: int) -> None:
        """Re-read one conversation's row and put it where it now belongs in this tab (or take it out)."""
        with self._store.read() as conn:
            fresh = customer_list.row_of(conn, conversation_id)
        self.apply_changes([conversation_id], {conversation_id: fresh} if fresh is not None else {})

    def apply_changes(self, conversation_ids: list[int], fresh: dict[int, ConversationRow]) -> None:
        """Put each changed conversation's row where it now belongs (``fresh``: the rows showing them as stored now,
        from :func:`customer_list.rows_of`; missing: gone).

        A row that stays in the tab is moved (not removed and inserted), so a view's selection stays on it.
        """
        for conversation_id in conversation_ids:
            row = fresh.get(conversation_id)
            old_key = self._key_of.get(conversation_id)
            if old_key is not None and (row is None or row.key != old_key):
                self._place(old_key, None)  # it moved to another customer (a merge undone) or is gone
            if row is not None:
                self._place(row.key, row)

    def _place(self, key: int, row: ConversationRow | None) -> None:
        current = self._row_of_key(key)
        belongs = row is not None and self.scope.includes(row)
        if row is None or not belongs:
            if current >= 0:
                self._remove(current)
            return
        target = bisect_left(self._rows, _order_key(row), key=_order_key)
        if current < 0:
            if target == len(self._rows) and not self._exhausted:
                return  # older than everything loaded: it will come with a later page
            self.beginInsertRows(QModelIndex(), target, target)
            self._rows.insert(target, row)
            self._remember(row)
            self.endInsertRows()
            return
        position = target - 1 if target > current else target  # among the other rows
        if position == len(self._rows) - 1 and not self._exhausted and position != current:
            self._remove(current)  # moved below the loaded page: it comes back with a later page
            return
        if position != current:
            destination = position if position < current else position + 1
            self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), destination)
            self._forget(self._rows[current])
            del self._rows[current]
            self._rows.insert(position, row)
            self._remember(row)
            self.endMoveRows()
        else:
            self._forget(self._rows[current])
            self._rows[current] = row
            self._remember(row)
        changed = self.index(position, 0)
        self.dataChanged.emit(changed, changed)

    def _remove(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        removed = self._rows.pop(position)
        self._forget(removed)
        self.endRemoveRows()
