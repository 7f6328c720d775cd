""" "Synced folders" without a server: the demo mailbox lists its sample folders and keeps the attendant's choice; a
mailbox that is not connected, or a server that will not list its folders, is told in words with nothing to save;
a hostile folder name is shown as one line of plain text and kept exactly as the server spells it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from loop_harness import run
from PySide6.QtCore import QSettings, Qt

from deskchat.channels.base import ChannelUnavailable
from deskchat.demo.generator import populate_demo
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store.database import Store
from deskchat.ui.connections.mail_folders import MailFoldersDialog
from deskchat.ui.main_window import MainWindow, WindowServices


class _Server:
    """The e-mail driver's folder choice, answering as told."""

    def __init__(self, names: list[str] | None = None, error: Exception | None = None) -> None:
        self.names = names or []
        self.error = error
        self.saved: list[list[str]] = []

    async def folders(self, account_id: int) -> list[str]:
        if self.error is not None:
            raise self.error
        return list(self.names)

    def synced_folders(self, account_id: int) -> list[str]:
        return self.saved[-1] if self.saved else []

    async def set_synced_folders(self, account_id: int, names: Sequence[str]) -> None:
        self.saved.append(list(names))


def _texts(dialog: MailFoldersDialog) -> list[str]:
    return [dialog.folder_list.item(row).text() for row in range(dialog.folder_list.count())]


def test_the_demo_mailbox_lists_its_folders_and_keeps_the_choice(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path
) -> None:
    store = Store.open(profile)
    populate_demo(store)
    runtime = Runtime(store, demo=True)
    services = WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, demo=True)
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()

    async def scenario() -> None:
        connections = window.open_connections()
        assert connections is not None
        [card] = connections.mail_cards.values()
        assert card.folders_button.isEnabled()
        qtbot.mouseClick(card.folders_button, Qt.MouseButton.LeftButton)
        dialog = card.folders_dialog
        assert dialog is not None
        await dialog.loaded
        assert "INBOX" not in _texts(dialog) and "Arquivo" in _texts(dialog)
        [item] = dialog.folder_list.findItems("Arquivo", Qt.MatchFlag.MatchExactly)
        item.setCheckState(Qt.CheckState.Checked)
        dialog.accept()
        assert dialog.saved is not None
        await dialog.saved
        again = card.open_folders()
        assert again is not None
        await again.loaded
        [kept] = again.folder_list.findItems("Arquivo", Qt.MatchFlag.MatchExactly)
        assert kept.checkState() == Qt.CheckState.Checked
        again.reject()

    try:
        run(loop, scenario())
    finally:
        window.close()
        loop.run_until_complete(runtime.stop())
        store.close()


def test_a_mailbox_not_connected_or_a_refusing_server_is_told_in_words(
    qtbot: Any, loop: asyncio.AbstractEventLoop
) -> None:
    for server, words in (
        (_Server(error=ChannelUnavailable("not connected")), "Connect the mailbox to choose its folders."),
        (_Server(error=OSError("connection reset")), "The server did not list its folders now."),
    ):
        dialog = MailFoldersDialog(server, 7)
        qtbot.addWidget(dialog)
        run(loop, dialog.loaded)
        assert dialog.status_label.text().startswith(words)
        assert dialog.folder_list.count() == 0 and not dialog.ok_button.isEnabled()


def test_a_hostile_folder_name_is_one_line_of_plain_text_and_saved_as_the_server_spells_it(
    qtbot: Any, loop: asyncio.AbstractEventLoop
) -> None:
    hostile = "Clientes\u202e<b>txt.exe</b>\r\nBcc: x" + "a" * 300
    server = _Server([hostile, "Arquivo"])
    dialog = MailFoldersDialog(server, 7)
    qtbot.addWidget(dialog)

    async def scenario() -> None:
        await dialog.loaded
        shown = _texts(dialog)[0]
        assert "\u202e" not in shown and "\n" not in shown and len(shown) <= 120
        dialog.folder_list.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.accept()
        assert dialog.saved is not None
        await dialog.saved

    run(loop, scenario())
    assert server.saved == [[hostile]]
    assert dialog.folder_list.item(0).data(Qt.ItemDataRole.UserRole) == hostile
