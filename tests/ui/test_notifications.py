"""A customer's new message: desktop notification (contact, first line, channel), sound, unread total in the title
and on the tray icon; clicking the notification opens the conversation; nothing when the attendant is looking."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox
from test_preferences import open_preferences, press
from ui_harness import App, customer_messages

from deskchat.config import GROUPS, NOTIFY_DESKTOP, NOTIFY_SOUND
from deskchat.core.messages import Identity, InboundMessage
from deskchat.ui import tasks
from deskchat.ui.notifier import DesktopNotifier

_ids = itertools.count()
INITIAL_UNREAD = len(customer_messages(0))  # what the app fixture stored: every message unread


class Shown:
    """Records what the notifier asks the tray icon and the sound to do (the desktop itself is the boundary)."""

    def __init__(self, notifier: DesktopNotifier, monkeypatch: pytest.MonkeyPatch) -> None:
        self.messages: list[tuple[Any, ...]] = []
        self.sounds = 0
        monkeypatch.setattr(notifier.tray, "showMessage", lambda *args: self.messages.append(args))
        effect = notifier.sound_effect()
        assert effect is not None, "QtMultimedia (PySide6-Addons and libpulse0) is part of the install"
        monkeypatch.setattr(effect, "play", self._played)

    def _played(self) -> None:
        self.sounds += 1


@pytest.fixture
def shown(app: App, monkeypatch: pytest.MonkeyPatch) -> Shown:
    return Shown(app.window.notifier, monkeypatch)


def _receive(app: App, text: str, *, customer: int = 1, **fields: Any) -> int:
    phone = f"+55119876500{customer:02d}"
    message = InboundMessage(
        account_id=app.account_id,
        chat_key=f"{phone[1:]}@s.whatsapp.net",
        chat_title=f"Cliente {customer}",
        identities=[Identity("phone", phone)],
        channel_id=f"NEW-{next(_ids)}",
        text=text,
        sent_at=1_760_000_000_000,
        sender_name=f"Cliente {customer}",
        **fields,
    )
    [stored] = app.run(app.runtime.ingest.ingest([message]))
    _settle(app)
    return stored.conversation_id


def _settle(app: App) -> None:
    """Let what the UI started (marking read) and the notifier's decisions and counts finish on the loop."""
    app.run(tasks.settle())
    app.run(app.window.notifier.service.settle())


def test_a_new_message_for_a_conversation_not_open_notifies_and_clicking_opens_it(
    app: App, shown: Shown, qtbot: Any
) -> None:
    window = app.window
    assert window.windowTitle() == f"({INITIAL_UNREAD}) DeskChat"
    conversation_id = _receive(app, "Oi, tudo bem?\nQueria saber do boleto de março.")
    assert shown.messages == [
        ("Cliente 1 · WhatsApp", "Oi, tudo bem?", shown.messages[0][2], shown.messages[0][3]),
    ]
    assert shown.sounds == 1
    assert window.windowTitle() == f"({INITIAL_UNREAD + 1}) DeskChat"
    assert window.notifier.tray.toolTip() == f"DeskChat — {INITIAL_UNREAD + 1} unread"
    assert window.chat_pane.model.conversation_id != conversation_id

    window.notifier.tray.messageClicked.emit()  # the attendant clicks the notification
    assert window.chat_pane.model.conversation_id == conversation_id
    _settle(app)
    assert window.windowTitle() == f"({INITIAL_UNREAD + 1 - 6}) DeskChat"  # its 6 messages were read on opening


def test_the_open_conversation_in_a_focused_window_does_not_notify(app: App, shown: Shown, qtbot: Any) -> None:
    window = app.window
    first = _receive(app, "primeira")
    shown.messages.clear()
    shown.sounds = 0
    window.open_conversation(first)
    _settle(app)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _receive(app, "estou aguardando")
    assert shown.messages == [] and shown.sounds == 0
    other = _receive(app, "outro cliente aqui", customer=2)  # another conversation still notifies
    assert other != first
    assert [message[1] for message in shown.messages] == ["outro cliente aqui"]


def test_history_outgoing_and_ignored_groups_never_notify(app: App, shown: Shown) -> None:
    _receive(app, "do histórico", historical=True)
    _receive(app, "enviado do celular", outgoing=True)
    app.window.preferences.change({GROUPS: "ignore"})
    _receive(app, "no grupo", customer=9, is_group=True)
    assert shown.messages == [] and shown.sounds == 0
    app.window.preferences.change({GROUPS: "separate"})
    _receive(app, "no grupo de novo", customer=9, is_group=True)
    assert [message[1] for message in shown.messages] == ["no grupo de novo"]


def test_sound_and_desktop_notifications_can_be_turned_off(app: App, shown: Shown) -> None:
    app.window.preferences.change({NOTIFY_SOUND: False})
    _receive(app, "sem som")
    assert len(shown.messages) == 1 and shown.sounds == 0
    app.window.preferences.change({NOTIFY_SOUND: True, NOTIFY_DESKTOP: False})
    _receive(app, "só som")
    assert len(shown.messages) == 1 and shown.sounds == 1
    app.window.preferences.change({NOTIFY_SOUND: False})
    _receive(app, "nada")
    assert len(shown.messages) == 1 and shown.sounds == 1
    assert app.window.windowTitle() == f"({INITIAL_UNREAD + 3}) DeskChat"  # the count goes on


def test_the_sound_is_a_short_wav_shipped_with_the_app(app: App) -> None:
    effect = app.window.notifier.sound_effect()
    assert effect is not None
    path = Path(effect.source().toLocalFile())
    with wave.open(str(path)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    assert 0.1 < seconds < 1.0


def test_a_burst_from_several_customers_is_one_notification_and_one_sound(app: App, shown: Shown) -> None:
    burst = [
        InboundMessage(
            account_id=app.account_id,
            chat_key=f"55119876501{customer:02d}@s.whatsapp.net",
            chat_title=f"Cliente novo {customer}",
            identities=[Identity("phone", f"+55119876501{customer:02d}")],
            channel_id=f"BURST-{customer}",
            text=f"mensagem {customer}",
            sent_at=1_760_000_000_000 + customer,
        )
        for customer in range(5)
    ]
    app.run(app.runtime.ingest.ingest(burst))
    _settle(app)
    assert [message[:2] for message in shown.messages] == [
        ("Cliente novo 4 · WhatsApp", "mensagem 4\n(and 4 more new messages)")
    ]
    assert shown.sounds == 1
    assert app.window.windowTitle() == f"({INITIAL_UNREAD + 5}) DeskChat"


def test_the_preferences_dialog_turns_the_sound_off(app: App, shown: Shown, qtbot: Any) -> None:
    dialog = open_preferences(app, qtbot)
    desktop, sound = (dialog.editors[setting.key] for setting in (NOTIFY_DESKTOP, NOTIFY_SOUND))
    assert isinstance(desktop, QCheckBox) and isinstance(sound, QCheckBox)
    assert desktop.isChecked() and sound.isChecked()
    assert sound.text() == "Play a sound when a customer writes"
    qtbot.mouseClick(sound, Qt.MouseButton.LeftButton)
    press(dialog, qtbot, QDialogButtonBox.StandardButton.Ok)
    _receive(app, "sem som, por favor")
    assert [message[1] for message in shown.messages] == ["sem som, por favor"]
    assert shown.sounds == 0
