"""The connection screen ("Integrações de Atendimento") driven with a fake WhatsApp adapter at the channel boundary."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from loop_harness import Ticker, answer, run, until, visible
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from deskchat.core.events import ChannelKind
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.whatsapp_accounts import WhatsAppDriver
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.connections.dialog import ConnectionsDialog
from deskchat.ui.connections.whatsapp_card import WhatsAppCard
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.notices import NOTICE_OBJECT_NAME, QUESTION_OBJECT_NAME
from deskchat.ui.tasks import settle

QR_1 = "https://wa.me/settings/linked_devices#2@AbCdEf,noise1,identity1,adv1,0"
QR_2 = "https://wa.me/settings/linked_devices#2@GhIjKl,noise2,identity2,adv2,0"


class FakeWhatsApp:
    """Stands where the neonize adapter stands: reports through the same service callbacks."""

    stuck = False

    def __init__(self, account_id: int, session_dir: Path, driver: WhatsAppDriver) -> None:
        self.account_id = account_id
        self.owner = driver.accounts
        self.session_file = session_dir / f"account-{account_id}.db"
        self.starts = 0
        self.logged_out = False

    async def start(self) -> None:
        self.starts += 1
        self.session_file.parent.mkdir(parents=True, exist_ok=True)
        # what whatsmeow leaves behind once a device is linked: its device table with one row
        with contextlib.closing(sqlite3.connect(self.session_file)) as session:
            session.execute("CREATE TABLE IF NOT EXISTS whatsmeow_device (jid TEXT)")
            session.execute("INSERT INTO whatsmeow_device VALUES ('5511987654321.0:7@s.whatsapp.net')")
            session.commit()
        self.owner.state_changed(self.account_id, "connecting")
        self.owner.logged(self.account_id, "connect", "dialing")

    async def stop(self) -> None:
        self.owner.state_changed(self.account_id, "not_connected")

    async def disconnect(self) -> None:
        self.logged_out = True
        await self.stop()
        self.session_file.unlink()

    async def pair_with_phone(self, phone: str) -> str:
        if not any(ch.isdigit() for ch in phone):
            raise ValueError(phone)
        return "ABCD1234"

    def has_session(self) -> bool:
        return self.session_file.exists()

    # what the real adapter does as WhatsApp answers
    def show_qr(self, code: str, index: int, lifetime: float) -> None:
        self.owner.state_changed(self.account_id, "waiting_qr")
        self.owner.qr_shown(self.account_id, code, index, lifetime)
        self.owner.logged(self.account_id, "qr", f"code {index + 1}")

    def expire(self) -> None:
        self.owner.state_changed(self.account_id, "not_connected", "qr_expired")


class Screen:
    def __init__(self, loop: asyncio.AbstractEventLoop, window: MainWindow, runtime: Runtime, account_id: int) -> None:
        self.loop = loop
        self.window = window
        self.runtime = runtime
        self.account_id = account_id
        dialog = window.open_connections()
        assert dialog is not None
        self.dialog: ConnectionsDialog = dialog
        self.card: WhatsAppCard = dialog.cards[account_id]

    @property
    def fake(self) -> FakeWhatsApp:
        assert self.runtime.whatsapp is not None
        handle = self.runtime.whatsapp._handles[self.account_id]
        assert isinstance(handle, FakeWhatsApp)
        return handle

    def drive(self, action: Any, *args: Any) -> None:
        """Run an adapter callback as the real adapter does: on the running loop; then let its writes finish."""

        async def inside_the_loop() -> None:
            action(*args)

        self.loop.run_until_complete(inside_the_loop())
        self.settle()

    def settle(self) -> None:
        assert self.runtime.accounts is not None
        self.loop.run_until_complete(settle())
        self.loop.run_until_complete(self.runtime.accounts.settle())


@pytest.fixture
def screen(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path) -> Iterator[Screen]:
    store = Store.open(profile)
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
    runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir, whatsapp_factory=FakeWhatsApp)
    services = WindowServices(
        store, runtime.bus, runtime.messaging, runtime.tickets, whatsapp=runtime.whatsapp, accounts=runtime.accounts
    )
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    opened = Screen(loop, window, runtime, account_id)
    yield opened
    opened.settle()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window, opened
    gc.collect()  # the boxes and the window go here, on the GUI thread, not later on a worker thread


def _decode(card: WhatsAppCard) -> str:
    image = card.qr_label.pixmap().toImage()
    rgba = image.convertToFormat(image.Format.Format_RGBA8888)
    pil = Image.frombytes("RGBA", (rgba.width(), rgba.height()), bytes(rgba.constBits()))
    (result,) = zxingcpp.read_barcodes(pil)
    return str(result.text)


def test_connect_shows_the_qr_code_and_follows_its_rotation(screen: Screen, qtbot: Any) -> None:
    card = screen.card
    assert card.status_label.text() == "Not connected"
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    assert card.status_label.text() == "Connecting"
    screen.drive(screen.fake.show_qr, QR_1, 0, 60)
    assert card.status_label.text() == "Waiting for the QR code to be read"
    assert card.qr_label.isVisible() and _decode(card) == QR_1
    assert card.countdown_label.text() == "This code changes in 60 s"
    qtbot.waitUntil(lambda: card.seconds_left() < 60, timeout=3000)  # the countdown runs
    screen.drive(screen.fake.show_qr, QR_2, 1, 20)
    assert _decode(card) == QR_2
    assert card.countdown_label.text() == "This code changes in 20 s"
    assert not card.connect_button.isVisible()


def test_expired_codes_offer_a_new_qr_code_only_on_request(screen: Screen, qtbot: Any) -> None:
    card = screen.card
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    screen.drive(screen.fake.show_qr, QR_1, 0, 60)
    screen.drive(screen.fake.expire)
    assert card.new_qr_button.isVisible()
    assert not card.qr_label.isVisible()
    assert "expired" in card.hint_label.text()
    starts = screen.fake.starts
    qtbot.mouseClick(card.new_qr_button, Qt.MouseButton.LeftButton)
    screen.settle()
    assert screen.fake.starts == starts + 1
    screen.drive(screen.fake.show_qr, QR_2, 0, 60)
    assert _decode(card) == QR_2


def test_pairing_by_phone_code(screen: Screen, qtbot: Any) -> None:
    card = screen.card
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    screen.drive(screen.fake.show_qr, QR_1, 0, 60)
    assert card.phone_button.isVisible()
    qtbot.keyClicks(card.phone_field, "(11) 98765-4321")
    qtbot.mouseClick(card.phone_button, Qt.MouseButton.LeftButton)
    screen.settle()
    assert card.pair_code_label.text() == "ABCD-1234"


def test_the_integration_log_is_kept_and_shown(screen: Screen, qtbot: Any) -> None:
    card = screen.card
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    screen.drive(screen.fake.show_qr, QR_1, 0, 60)
    screen.settle()
    lines = [card.log_list.item(row).text() for row in range(card.log_list.count())]
    assert any("QR code shown — code 1" in line for line in lines)
    assert any("connect — dialing" in line for line in lines)  # an event the screen has no words for
    assert screen.runtime.accounts is not None
    assert len(screen.runtime.accounts.log_entries(screen.account_id)) == card.log_list.count()


def test_a_terminal_state_is_explained(screen: Screen) -> None:
    assert screen.runtime.accounts is not None
    screen.drive(screen.runtime.accounts.state_changed, screen.account_id, "banned", "", 1_900_000_000_000)
    assert screen.card.status_label.text().startswith("Temporarily blocked until ")
    screen.drive(screen.runtime.accounts.state_changed, screen.account_id, "outdated")
    assert "update" in screen.card.hint_label.text()
    # after an update the attendant connects again; meanwhile the number can still be unlinked
    assert screen.card.connect_button.isVisible()
    assert screen.card.disconnect_button.isVisible()


def test_generic_states_are_explained_with_the_next_attempt(screen: Screen) -> None:
    assert screen.runtime.accounts is not None
    screen.drive(screen.runtime.accounts.state_changed, screen.account_id, "server_unavailable", "503", None, 30.0)
    assert screen.card.status_label.text() == "Server unavailable — next attempt in 30 s"
    screen.drive(screen.runtime.accounts.state_changed, screen.account_id, "auth_required")
    assert screen.card.status_label.text() == "Sign-in needed"


def test_a_second_number_gets_its_own_card(screen: Screen) -> None:
    card = screen.loop.run_until_complete(screen.dialog.add_account("Suporte"))
    assert card.account_id != screen.account_id
    assert set(screen.dialog.cards) == {screen.account_id, card.account_id}


def test_history_sync_progress_shows_in_the_status_bar(screen: Screen) -> None:
    service = screen.runtime.accounts
    assert service is not None
    screen.drive(service.history_progressed, screen.account_id, 40, 1000)
    assert screen.window.statusBar().currentMessage() == "Receiving WhatsApp history: 40% (1.000 messages)"
    screen.drive(service.history_progressed, screen.account_id, 100, 1500)
    assert screen.window.statusBar().currentMessage() == "WhatsApp history received: 2.500 messages"


def test_on_the_next_start_numbers_with_a_session_resume_without_a_qr_code(screen: Screen, qtbot: Any) -> None:
    service = screen.runtime.accounts
    assert service is not None
    second = screen.loop.run_until_complete(service.add_account(ChannelKind.WHATSAPP, "Suporte"))
    qtbot.mouseClick(screen.card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    assert screen.fake.session_file.exists()  # the first number was linked; the second never was
    screen.loop.run_until_complete(screen.runtime.stop())

    # a new start of the app over the same profile
    restarted = Runtime(
        screen.runtime.store, whatsapp_sessions=screen.fake.session_file.parent, whatsapp_factory=FakeWhatsApp
    )
    assert restarted.whatsapp is not None and restarted.accounts is not None

    async def start() -> None:
        await restarted.connect_channels()
        await restarted.accounts.settle()  # type: ignore[union-attr]

    screen.loop.run_until_complete(start())
    handles = restarted.whatsapp._handles
    assert set(handles) == {screen.account_id}  # only the linked number started, and by itself
    assert isinstance(handles[screen.account_id], FakeWhatsApp) and handles[screen.account_id].starts == 1
    assert second not in handles
    screen.loop.run_until_complete(restarted.stop())
    screen.loop.run_until_complete(restarted.accounts.settle())


# -- telling and asking without stopping other tasks (no nested event loop inside a task, qasync#82) --


def _pairing(screen: Screen, qtbot: Any) -> None:
    qtbot.mouseClick(screen.card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    screen.drive(screen.fake.show_qr, QR_1, 0, 60)


def test_a_mistyped_phone_number_is_told_while_every_other_task_keeps_running(screen: Screen, qtbot: Any) -> None:
    _pairing(screen, qtbot)
    card = screen.card
    qtbot.keyClicks(card.phone_field, "onze nove")

    async def scenario() -> None:
        ticker = Ticker()
        qtbot.mouseClick(card.phone_button, Qt.MouseButton.LeftButton)
        await until(lambda: bool(visible(card, NOTICE_OBJECT_NAME)), "the warning")
        await ticker.keeps_ticking()  # while the warning is shown
        [box] = visible(card, NOTICE_OBJECT_NAME)
        assert box.text() == "This is not a phone number: onze nove"
        box.button(QMessageBox.StandardButton.Ok).click()
        await until(lambda: not visible(card, NOTICE_OBJECT_NAME), "the warning to close")
        await ticker.keeps_ticking()
        ticker.task.cancel()

    run(screen.loop, scenario())
    assert card.pair_code_label.text() == ""


def test_disconnecting_asks_first_while_every_other_task_keeps_running(screen: Screen, qtbot: Any) -> None:
    card = screen.card
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    screen.settle()
    service = screen.runtime.accounts
    assert service is not None
    screen.drive(service.state_changed, screen.account_id, "online", "+55 11 98765-4321")

    async def scenario() -> None:
        ticker = Ticker()
        for choice in ("Cancel", "Disconnect"):
            qtbot.mouseClick(card.disconnect_button, Qt.MouseButton.LeftButton)
            await until(lambda: bool(visible(card, QUESTION_OBJECT_NAME)), "the question")
            await ticker.keeps_ticking()  # while the question waits for its answer
            assert not screen.fake.logged_out  # nothing happens before the answer
            [box] = visible(card, QUESTION_OBJECT_NAME)
            assert box.text().startswith("Disconnect this number from DeskChat?")
            answer(box, choice)
            await until(lambda: not visible(card, QUESTION_OBJECT_NAME), "the question to close")
            await ticker.keeps_ticking()
        ticker.task.cancel()

    run(screen.loop, scenario())
    screen.settle()
    assert screen.fake.logged_out
    assert not screen.fake.session_file.exists()
    assert card.status_label.text() == "Not connected"
