"""The CRM card of the connection screen against the reference CRM server over real HTTP: what the attendant types,
clicks and reads (the state and each answer in words), the address fixed by IT, and the auto-lead preference."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loop_harness import answer, run, until, visible
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox

from deskchat.config import CRM_AUTO_LEAD, CRM_URL, Settings
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.connections.crm_card import CrmCard
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.notices import QUESTION_OBJECT_NAME
from deskchat.ui.preferences import PreferencesDialog
from deskchat.ui.tasks import settle

sys.path.insert(0, str(Path(__file__).parent.parent / "integration"))
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-card"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
        yield running


class Screen:
    def __init__(self, window: MainWindow, runtime: Runtime) -> None:
        self.window = window
        self.runtime = runtime
        dialog = window.open_connections()
        assert dialog is not None and dialog.crm_card is not None
        self.card: CrmCard = dialog.crm_card

    def type(self, url: str, user: str, password: str) -> None:
        if not self.card.url_field.isReadOnly():
            self.card.url_field.setText(url)
        self.card.user_field.setText(user)
        self.card.password_field.setText(password)


def _open(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path, settings: Settings
) -> Iterator[Screen]:
    store = Store.open(profile)
    store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
    runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir, settings=settings)
    services = WindowServices(
        store,
        runtime.bus,
        runtime.messaging,
        runtime.tickets,
        whatsapp=runtime.whatsapp,
        accounts=runtime.accounts,
        settings=settings,
        crm=runtime.crm,
    )
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    screen = Screen(window, runtime)
    yield screen
    loop.run_until_complete(settle())
    loop.run_until_complete(runtime.stop())
    store.close()
    del window, screen
    gc.collect()


@pytest.fixture
def screen(qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path) -> Iterator[Screen]:
    yield from _open(qtbot, loop, profile, tmp_path, Settings.in_memory())


def test_connecting_says_a_wrong_password_then_connects_and_forgets_the_password(
    screen: Screen, server: RunningServer, loop: asyncio.AbstractEventLoop
) -> None:
    card = screen.card
    assert card.status_label.text() == "Not connected" and card.connect_button.isVisible()

    async def scenario() -> None:
        screen.type(server.url, SEED_USER, "wrong")
        card.connect_button.click()
        await until(lambda: card.result_label.text() == "Wrong user or password.", "the wrong password said")
        assert card.status_label.text() == "Not connected"
        screen.type(server.url, SEED_USER, SEED_PASSWORD)
        card.connect_button.click()
        await until(lambda: card.status_label.text() == "Connected (ana@127.0.0.1)", "connected in words")
        assert card.password_field.text() == ""
        assert card.disconnect_button.isVisible() and not card.connect_button.isVisible()

    run(loop, scenario())


def test_testing_the_connection_reports_an_unreachable_address(screen: Screen, loop: asyncio.AbstractEventLoop) -> None:
    card = screen.card

    async def scenario() -> None:
        screen.type(f"http://127.0.0.1:{free_port()}", SEED_USER, SEED_PASSWORD)
        card.test_button.click()
        await until(
            lambda: card.result_label.text() == "The CRM cannot be reached at this address.", "unreachable in words"
        )
        assert card.status_label.text() == "Not connected"

    run(loop, scenario())


def test_disconnecting_asks_first_then_ends_the_session(
    screen: Screen, server: RunningServer, loop: asyncio.AbstractEventLoop
) -> None:
    card = screen.card

    async def scenario() -> None:
        screen.type(server.url, SEED_USER, SEED_PASSWORD)
        card.connect_button.click()
        await until(lambda: card.status_label.text().startswith("Connected"), "connected")
        card.disconnect_button.click()
        await until(lambda: bool(visible(screen.window, QUESTION_OBJECT_NAME)), "the question")
        [box] = visible(screen.window, QUESTION_OBJECT_NAME)
        ended: list[bool] = []
        card.disconnected.connect(lambda: ended.append(True))
        answer(box, "Disconnect")
        await until(lambda: bool(ended), "the disconnection finished")
        assert card.status_label.text() == "Not connected"
        assert card.connect_button.isVisible()
        assert screen.runtime.crm is not None
        account_id = screen.runtime.crm.account_id()
        assert account_id is not None and not screen.runtime.crm.can_resume(account_id)

    run(loop, scenario())


@pytest.fixture
def it_screen(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path, server: RunningServer
) -> Iterator[Screen]:
    yield from _open(qtbot, loop, profile, tmp_path, Settings.in_memory(policy={CRM_URL: server.url}))


def test_an_address_set_by_it_is_shown_read_only(
    it_screen: Screen, loop: asyncio.AbstractEventLoop, server: RunningServer
) -> None:
    card = it_screen.card
    assert card.url_field.text() == server.url and card.url_field.isReadOnly()
    assert card.url_locked_label.isVisible()

    async def scenario() -> None:
        it_screen.type("http://elsewhere.invalid", SEED_USER, SEED_PASSWORD)
        card.connect_button.click()
        await until(lambda: card.status_label.text().startswith("Connected"), "connected to IT's address")

    run(loop, scenario())


def test_the_auto_lead_preference_is_a_checkbox_on_by_default(qtbot: Any) -> None:
    settings = Settings.in_memory()
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    box = dialog.editors[CRM_AUTO_LEAD.key]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    dialog.accept()
    assert settings.get(CRM_AUTO_LEAD) is False
    assert CRM_URL.key not in dialog.editors


@pytest.mark.qt_log_ignore("QStatusBar::insertPermanentWidget: Index out of range")  # the status bar's own build
def test_the_demo_without_the_crm_server_extra_shows_the_crm_card_as_simulated(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("deskchat.services.crm_demo.crm_server_installed", lambda: False)
    store = Store.open(profile)
    store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Demo", now=now_ms()))
    runtime = Runtime(store, demo=True)
    services = WindowServices(
        store, runtime.bus, runtime.messaging, runtime.tickets, demo=True, accounts=runtime.accounts, crm=runtime.crm
    )
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        loop.run_until_complete(runtime.connect_channels())
        assert window.connections_action.isEnabled()
        dialog = window.open_connections()
        assert dialog is not None and dialog.crm_card is not None and not dialog.cards
        card = dialog.crm_card
        assert card.status_label.text() == "Demo (simulated)"
        assert not card.connect_button.isVisible() and not card.test_button.isEnabled()
    finally:
        loop.run_until_complete(settle())
        loop.run_until_complete(runtime.stop())
        store.close()
        del window
        gc.collect()
