"""Search results over the FTS index: one row per matching message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from deskchat.store import search
from deskchat.store.database import Store
from deskchat.store.search import SearchHit
from deskchat.ui import theme
from deskchat.ui.paint_guard import guarded

HitRole = Qt.ItemDataRole.UserRole + 1
ConversationIdRole = Qt.ItemDataRole.UserRole + 2
RESULT_LIMIT = 200

_Index = QModelIndex | QPersistentModelIndex


class SearchResultsModel(QAbstractListModel):
    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._hits: list[SearchHit] = []
        self.query = ""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return guarded("search result data", lambda: self._data(index, role), None)

    def _data(self, index: _Index, role: int) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            snippet = " ".join((hit.text or hit.subject)[:600].split())
            return f"{hit.conversation_title} · {theme.list_time_text(hit.sent_at)}\n{snippet[:140]}"
        if role == HitRole:
            return hit
        if role == ConversationIdRole:
            return hit.conversation_id
        return None

    def run(self, query: str) -> None:
        self.beginResetModel()
        self.query = query
        with self._store.read() as conn:
            self._hits = search.search_newest(conn, query, RESULT_LIMIT)
        self.endResetModel()
