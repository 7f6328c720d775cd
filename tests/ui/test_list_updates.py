"""Conversation changes reach the lists once per frame, and the tab counts follow them without drifting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from ui_harness import BASE_MS, App

from deskchat.core.events import ConversationChanged, ConversationStatus
from deskchat.core.messages import Identity, InboundMessage
from deskchat.store import conversations
from deskchat.ui.panes.conversations import TAB_ORDER
from deskchat.ui.tasks import settle


def test_a_burst_of_changes_reaches_the_lists_in_one_update(app: App, qtbot: Any) -> None:
    bridge = app.window.bridge
    with qtbot.waitSignal(bridge.conversations_changed, timeout=2000) as update:
        for conversation_id in [3, 1, 2, 3, 1, 5]:
            app.runtime.bus.publish(ConversationChanged(conversation_id))
    assert update.args == [[3, 1, 2, 5]]  # each once, in order


def _expected_titles(app: App) -> list[str]:
    pane = app.window.conversation_pane
    with app.store.read() as conn:
        counts = conversations.count_by_status_and_kind(conn)
    return [str(pane.models[tab].scope.count(counts)) for tab in TAB_ORDER]


def _shown_counts(app: App) -> list[str]:
    tabs = app.window.conversation_pane.tabs
    return [tabs.tabText(position).rsplit(" ", 1)[-1] for position in range(tabs.count())]


def test_tab_counts_follow_new_customers_accepting_and_closing(app: App, qtbot: Any) -> None:
    pane = app.window.conversation_pane
    burst = [
        InboundMessage(
            account_id=app.account_id,
            chat_key=f"55119877000{n:02d}@s.whatsapp.net",
            chat_title=f"Nova {n}",
            identities=[Identity("phone", f"+55119877000{n:02d}")],
            channel_id=f"BURST-{n}",
            text="Olá",
            sent_at=BASE_MS + 7_200_000 + n * 1000,
        )
        for n in range(12)
    ]
    for message in burst:
        app.run(app.runtime.ingest.ingest([message]))
    qtbot.waitUntil(lambda: _shown_counts(app)[0] == "18")
    assert _shown_counts(app) == _expected_titles(app)

    view = pane.lists[ConversationStatus.PENDING]
    for _ in range(3):
        index = view.model().index(0, 0)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
        app.run(settle())
        accepted = app.window.chat_pane.model.conversation_id
        qtbot.mouseClick(app.window.chat_pane.accept_button, Qt.MouseButton.LeftButton)
        app.run(settle())
        qtbot.waitUntil(lambda: pane.models[ConversationStatus.PENDING].row_of(accepted) == -1)  # noqa: B023
    qtbot.mouseClick(app.window.chat_pane.close_button, Qt.MouseButton.LeftButton)
    app.run(settle())
    qtbot.waitUntil(lambda: _shown_counts(app)[:3] == ["15", "2", "1"])
    assert _shown_counts(app) == _expected_titles(app)
