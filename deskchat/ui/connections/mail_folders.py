""" "Synced folders": which of the server's folders a mailbox syncs besides INBOX and Sent (always synced)."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Awaitable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from deskchat.channels.base import ChannelUnavailable
from deskchat.ui.tasks import run_async

SHOWN_NAME_CHARS = 120


class FolderChoice(Protocol):
    """The e-mail driver's folder choice (a demo keeps its own)."""

    def folders(self, account_id: int) -> Awaitable[list[str]]: ...  # the choosable ones: not INBOX, not Sent
    def synced_folders(self, account_id: int) -> list[str]: ...
    def set_synced_folders(self, account_id: int, names: Sequence[str]) -> Awaitable[None]: ...


def shown_name(name: str) -> str:
    """A folder name as one line of plain text (a server may name folders with controls or bidi marks)."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in name)
    return cleaned if len(cleaned) <= SHOWN_NAME_CHARS else cleaned[: SHOWN_NAME_CHARS - 1] + "…"


class MailFoldersDialog(QDialog):
    """Lists the server's folders (asked without blocking the window), the chosen ones checked; OK keeps the choice."""

    def __init__(self, choice: FolderChoice, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailFoldersDialog")
        self.setWindowTitle(self.tr("Synced folders"))
        self._choice = choice
        self._account_id = account_id
        self.status_label = QLabel(self.tr("Asking the server for its folders…"), self)
        self.status_label.setObjectName("mailFoldersStatus")
        self.status_label.setWordWrap(True)
        self.folder_list = QListWidget(self)
        self.folder_list.setObjectName("mailFolderList")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.folder_list, 1)
        layout.addWidget(self.buttons)
        self.saved: asyncio.Task[None] | None = None
        self.loaded = run_async(self._load(), self)

    async def _load(self) -> None:
        try:
            names = await self._choice.folders(self._account_id)
        except ChannelUnavailable:
            self.status_label.setText(self.tr("Connect the mailbox to choose its folders."))
            return
        except Exception:  # the server dropped the connection or refused the listing
            self.status_label.setText(self.tr("The server did not list its folders now. Try again in a moment."))
            return
        chosen = set(self._choice.synced_folders(self._account_id))
        for name in names:  # INBOX and Sent are not offered: the driver leaves them out
            item = QListWidgetItem(shown_name(name), self.folder_list)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
        self.status_label.setText(
            self.tr("Inbox and Sent are always synced. Check other folders to bring their mail in too.")
        )
        self.ok_button.setEnabled(True)

    def checked_folders(self) -> list[str]:
        items = (self.folder_list.item(row) for row in range(self.folder_list.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole)) for item in items if item.checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        self.ok_button.setEnabled(False)
        self.saved = run_async(self._save(), self)

    async def _save(self) -> None:
        await self._choice.set_synced_folders(self._account_id, self.checked_folders())
        super().accept()
