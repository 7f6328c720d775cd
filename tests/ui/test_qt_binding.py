"""Guards against a PySide6 regression that crashes the app at exit (6.12.0 drops a reference to None every time
C++ calls a Python ``data()`` that returns None; the interpreter aborts once None's count reaches zero)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt


class _Model(QAbstractListModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return "row" if role == Qt.ItemDataRole.DisplayRole else None


def test_python_data_returning_none_keeps_references(qapp: Any) -> None:
    model = _Model()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        proxy.data(index, Qt.ItemDataRole.ToolTipRole)  # C++ calls our data(), which returns None
    assert sys.getrefcount(None) - before > -100
