"""A person found under two records is shown as one; "Desfazer junção" in the info pane splits them again."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from loop_harness import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton
from ui_harness import App, FakeChannel

from deskchat.core.events import ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.whatsapp_people import WhatsAppPeople
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.tasks import settle

PN_USER = "551187654321"  # an old account: WhatsApp still sends without the 9th digit
LID_USER = "123456789012345"
BASE_MS = 1_700_000_000_000


def _message(account_id: int, chat_key: str, identities: list[Identity], channel_id: str, at: int) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=chat_key,
        chat_title="Maria",
        identities=identities,
        channel_id=channel_id,
        text=f"mensagem {channel_id}",
        sent_at=BASE_MS + at,
        sender_name="Maria",
    )


@pytest.fixture
def merged_app(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any) -> Iterator[App]:
    store = Store.open(profile)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
    runtime = Runtime(store)
    channel = FakeChannel()
    runtime.channels[account_id] = channel
    by_number = [Identity("phone", "+5511987654321"), Identity("wa_pn", PN_USER)]
    loop.run_until_complete(
        runtime.ingest.ingest(
            [
                _message(account_id, "5511987654321@s.whatsapp.net", by_number, "PN-1", 1000),
                _message(account_id, f"{LID_USER}@lid", [Identity("wa_lid", LID_USER)], "LID-1", 2000),
            ]
        )
    )
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        WindowServices(store, runtime.bus, runtime.messaging, runtime.tickets, people=runtime.people), settings
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield App(loop, store, runtime, window, channel, account_id)
    window.close()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def _pending_rows(app: App) -> int:
    return int(app.window.conversation_pane.lists[ConversationStatus.PENDING].model().rowCount())


def test_the_info_pane_shows_the_join_and_undo_splits_the_person_again(merged_app: App, qtbot: Any) -> None:
    app = merged_app
    assert _pending_rows(app) == 2  # two records until WhatsApp tells the LID's number

    whatsapp_people = WhatsAppPeople(app.store, app.runtime.bus, app.runtime.ingest)
    app.run(whatsapp_people.on_links(app.account_id, [SimpleNamespace(lid_user=LID_USER, pn_user=PN_USER)]))
    app.run(until(lambda: _pending_rows(app) == 1, "one row for the person"))

    view = app.window.conversation_pane.lists[ConversationStatus.PENDING]
    index = view.model().index(0, 0)
    conversation_id = int(index.data(ConversationIdRole))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    info = app.window.info_pane
    app.run(
        until(
            lambda: info.conversation_id == conversation_id and info.findChild(QGroupBox, "contactMerges") is not None,
            "the join in the info pane",
        )
    )
    joined = info.findChild(QGroupBox, "contactMerges")
    assert any("123456789012345" in label.text() for label in joined.findChildren(QLabel))
    assert app.window.chat_pane.model.rowCount() == 2  # both messages in one conversation

    (undo,) = joined.findChildren(QPushButton)
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    app.run(settle())  # the undo is written in the background
    app.run(until(lambda: _pending_rows(app) == 2, "two rows again"))
    app.run(until(lambda: info.findChild(QGroupBox, "contactMerges") is None, "the join gone from the info pane"))
    app.window.chat_pane.open_conversation(conversation_id)
    assert app.window.chat_pane.model.rowCount() == 1  # the LID message went back to its own conversation
