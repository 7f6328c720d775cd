"""WhatsApp groups in the list: their own Grupos tab, mixed with customers, or ignored, switched in Preferences."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from ui_harness import App, FakeChannel, customer_messages

from deskchat.config import GROUPS, Settings
from deskchat.core.events import ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.models.conversation_list import ConversationIdRole
from deskchat.ui.panes.conversations import GROUPS_TAB, TAB_ORDER, ConversationPane
from deskchat.ui.preferences import PreferencesDialog
from deskchat.ui.tasks import settle

GROUPS_POSITION = TAB_ORDER.index(GROUPS_TAB)


def group_message(account_id: int, group: int, channel_id: str, sent_at: int = 1_763_900_000_000) -> InboundMessage:
    jid = f"12036302524612548{group}@g.us"
    return InboundMessage(
        account_id=account_id,
        chat_key=jid,
        chat_title=f"Grupo {group}",
        identities=[Identity("wa_group", jid)],
        channel_id=channel_id,
        text="Pessoal, o material chegou?",
        sent_at=sent_at,
        sender_name="Carla",
        is_group=True,
    )


@contextmanager
def running_desk(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, policy: dict[str, Any] | None = None
) -> Iterator[App]:
    """The real window over a store with 3 customers and 2 groups, its settings in the profile, IT's ``policy``."""
    policy_file = profile.root.parent / "policy.json"
    if policy is not None:
        policy_file.write_text(json.dumps(policy), encoding="utf-8")
    store = Store.open(profile)
    settings = Settings.load(profile.settings_file, policy_file)
    account_id = store.write_now(
        lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", "+5511", now=now_ms())
    )
    runtime = Runtime(store, settings=settings)
    channel = FakeChannel()
    runtime.channels[account_id] = channel
    batch = [*customer_messages(account_id, customers=3), group_message(account_id, 1, "G1-1")]
    loop.run_until_complete(runtime.ingest.ingest([*batch, group_message(account_id, 2, "G2-1", 1_763_950_000_000)]))
    services = WindowServices(
        store, runtime.bus, runtime.messaging, runtime.tickets, reading=runtime.reading, settings=settings
    )
    window = MainWindow(services, QSettings(str(profile.root / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield App(loop, store, runtime, window, channel, account_id)
    finally:
        window.close()
        loop.run_until_complete(runtime.stop())
        store.close()


def titles(pane: ConversationPane, key: Any) -> list[str]:
    model = pane.models[key]
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def visible_tabs(pane: ConversationPane) -> list[str]:
    return [pane.tabs.tabText(n) for n in range(pane.tabs.count()) if pane.tabs.isTabVisible(n)]


def choose_groups(app: App, qtbot: Any, mode: str) -> None:
    """Preferences… → WhatsApp groups → ``mode`` → OK, as the attendant does it."""
    app.window.preferences_action.trigger()
    dialog = app.window.preferences_dialog
    assert isinstance(dialog, PreferencesDialog) and dialog.isVisible()
    combo = dialog.editors[GROUPS.key]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(mode))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    app.run(settle())


def test_groups_have_their_own_tab_with_every_status(
    qtbot: Any, qtmodeltester: Any, loop: Any, profile: Profile
) -> None:
    with running_desk(qtbot, loop, profile) as app:
        pane = app.window.conversation_pane
        qtmodeltester.check(pane.models[GROUPS_TAB])
        assert visible_tabs(pane) == ["Pending 3", "In progress 0", "Closed 0", "Groups 2"]
        assert titles(pane, ConversationStatus.PENDING) == ["Cliente 2", "Cliente 1", "Cliente 0"]
        assert titles(pane, GROUPS_TAB) == ["Grupo 2", "Grupo 1"]

        group_id = pane.models[GROUPS_TAB].index(1, 0).data(ConversationIdRole)
        app.run(app.runtime.tickets.close(group_id))  # a closed group stays in the Groups tab
        app.run(settle())
        assert titles(pane, GROUPS_TAB) == ["Grupo 2", "Grupo 1"]
        assert titles(pane, ConversationStatus.CLOSED) == []
        assert visible_tabs(pane)[2:] == ["Closed 0", "Groups 2"]

        qtbot.keyClick(app.window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
        assert pane.current_status() == GROUPS_TAB and pane.stack.currentWidget() is pane.lists[GROUPS_TAB]


def test_a_live_group_message_goes_to_the_groups_tab(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile) as app:
        pane = app.window.conversation_pane
        app.run(app.runtime.ingest.ingest([group_message(app.account_id, 3, "G3-1", 1_764_000_000_000)]))
        qtbot.waitUntil(lambda: titles(pane, GROUPS_TAB)[0] == "Grupo 3")  # the list updates on the next frame
        assert "Grupo 3" not in titles(pane, ConversationStatus.PENDING)
        assert pane.tabs.tabText(GROUPS_POSITION) == "Groups 3"


def test_mixed_groups_move_to_the_ticket_tabs_and_back(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile) as app:
        pane = app.window.conversation_pane
        pane.select_tab(GROUPS_POSITION)
        choose_groups(app, qtbot, "mixed")
        assert visible_tabs(pane) == ["Pending 5", "In progress 0", "Closed 0"]
        assert pane.current_status() == ConversationStatus.PENDING  # the hidden tab was left
        assert titles(pane, ConversationStatus.PENDING) == ["Grupo 2", "Grupo 1", "Cliente 2", "Cliente 1", "Cliente 0"]
        assert json.loads(profile.settings_file.read_text(encoding="utf-8")) == {"whatsapp.groups": "mixed"}
        pane.select_tab(GROUPS_POSITION)  # Ctrl+4 does nothing while the tab is hidden
        assert pane.current_status() == ConversationStatus.PENDING

        choose_groups(app, qtbot, "separate")
        assert titles(pane, ConversationStatus.PENDING) == ["Cliente 2", "Cliente 1", "Cliente 0"]
        pane.select_tab(GROUPS_POSITION)
        assert titles(pane, GROUPS_TAB) == ["Grupo 2", "Grupo 1"]
        assert visible_tabs(pane)[-1] == "Groups 2"


def test_ignored_groups_disappear_and_new_ones_are_not_stored(qtbot: Any, loop: Any, profile: Profile) -> None:
    with running_desk(qtbot, loop, profile) as app:
        pane = app.window.conversation_pane
        choose_groups(app, qtbot, "ignore")
        assert visible_tabs(pane) == ["Pending 3", "In progress 0", "Closed 0"]
        assert titles(pane, ConversationStatus.PENDING) == ["Cliente 2", "Cliente 1", "Cliente 0"]
        assert app.run(app.runtime.ingest.ingest([group_message(app.account_id, 3, "G3-1")])) == []

        choose_groups(app, qtbot, "separate")  # groups stored before come back; the ignored message never existed
        pane.select_tab(GROUPS_POSITION)
        assert titles(pane, GROUPS_TAB) == ["Grupo 2", "Grupo 1"]


def test_the_setting_is_read_at_start(qtbot: Any, loop: Any, profile: Profile, tmp_path: Path) -> None:
    profile.ensure()
    profile.settings_file.write_text('{"whatsapp.groups": "mixed"}', encoding="utf-8")
    with running_desk(qtbot, loop, profile) as app:
        pane = app.window.conversation_pane
        assert not pane.tabs.isTabVisible(GROUPS_POSITION)
        assert len(titles(pane, ConversationStatus.PENDING)) == 5
