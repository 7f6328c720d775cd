"""One tab of the conversation list: the conversations of one scope (status, groups), newest first, paged lazily."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from deskchat.store import conversations
from deskchat.store.conversations import ConversationRow, ListScope
from deskchat.store.database import Store
from deskchat.ui.paint_guard import guarded

PAGE_SIZE = 100
ConversationRole = Qt.ItemDataRole.UserRole + 1
ConversationIdRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def _order_key(row: ConversationRow) -> tuple[int, int]:
    """Ascending key of the list order (newest first)."""
    return (-row.last_message_at, -row.id)


class ConversationListModel(QAbstractListModel):
    def __init__(self, store: Store, scope: ListScope | str, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self.scope = scope if isinstance(scope, ListScope) else ListScope(scope)
        self._rows: list[ConversationRow] = []
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
        after = (self._rows[-1].last_message_at, self._rows[-1].id) if self._rows else None
        with self._store.read() as conn:
            page = conversations.page(conn, self.scope, after, PAGE_SIZE)
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def reload(self) -> None:
        with self._store.read() as conn:
            first_page = conversations.page(conn, self.scope, None, PAGE_SIZE)
        self.replace_first_page(first_page)

    def replace_first_page(self, first_page: list[ConversationRow]) -> None:
        """Show ``first_page`` (read elsewhere) as the whole list; later pages come on demand."""
        self.beginResetModel()
        self._rows = list(first_page)
        self._exhausted = len(first_page) < PAGE_SIZE
        self.endResetModel()

    def row_of(self, conversation_id: int) -> int:
        for position, row in enumerate(self._rows):
            if row.id == conversation_id:
                return position
        return -1

    def refresh(self, conversation_id: int) -> None:
        """Re-read one conversation and put it where it now belongs in this tab (or take it out)."""
        with self._store.read() as conn:
            fresh = conversations.get(conn, conversation_id)
        current = self.row_of(conversation_id)
        if current >= 0:
            self.beginRemoveRows(QModelIndex(), current, current)
            del self._rows[current]
            self.endRemoveRows()
        if fresh is None or not self.scope.includes(fresh):
            return
        keys = [_order_key(row) for row in self._rows]
        position = bisect_left(keys, _order_key(fresh))
        if position == len(self._rows) and not self._exhausted:
            return  # older than everything loaded: it will come with a later page
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, fresh)
        self.endInsertRows()
