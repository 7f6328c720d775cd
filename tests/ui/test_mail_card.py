"""The e-mail side of the connection screen without a server: a mailbox's card in each state, in words (first-sync
progress, "Sign-in needed" with "Sign in again", "Server unavailable — next attempt in 30 s"), the set-up dialog
filling servers from the address (presets at once, autoconfiguration looked up without blocking the window), and the
demo profile showing its sample accounts as cards."""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loop_harness import Ticker, run, until
from PySide6.QtCore import QSettings

from deskchat.channels.email.account import MailAccount, Security, Server, SignIn
from deskchat.channels.email.providers import MailServers, provider_table
from deskchat.core.events import ChannelKind
from deskchat.demo.generator import populate_demo
from deskchat.demo.sample_data import EMAIL_ACCOUNT_ADDRESS
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store.database import Store
from deskchat.ui.connections.email_card import EmailCard, shortened_address
from deskchat.ui.connections.mail_setup import MailSetupDialog
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.tasks import settle

ADDRESS = "fulano.de.tal.atendimento@empresa-exemplo.com.br"


def _window(runtime: Runtime, store: Store, tmp_path: Path, *, demo: bool = False) -> MainWindow:
    services = WindowServices(
        store,
        runtime.bus,
        runtime.messaging,
        runtime.tickets,
        demo=demo,
        whatsapp=runtime.whatsapp,
        accounts=runtime.accounts,
        email=runtime.email,
    )
    return MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def desk(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path
) -> Iterator[tuple[Runtime, MainWindow]]:
    store = Store.open(profile)
    runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir)
    window = _window(runtime, store, tmp_path)
    qtbot.addWidget(window)
    window.show()
    yield runtime, window
    window.close()
    loop.run_until_complete(runtime.stop())
    store.close()
    del window
    gc.collect()


def _mailbox() -> MailAccount:
    server = Server("mail.empresa-exemplo.com.br", 993, Security.SSL)
    return MailAccount(ADDRESS, "Suporte", server, server, SignIn.PASSWORD)


def _card(runtime: Runtime, window: MainWindow, loop: asyncio.AbstractEventLoop) -> EmailCard:
    assert runtime.email is not None
    account_id = loop.run_until_complete(runtime.email.add_mailbox(_mailbox(), password="segredo"))
    dialog = window.open_connections()
    assert dialog is not None and runtime.accounts is not None
    loop.run_until_complete(runtime.accounts.settle())  # the log entries written as the screen opened
    return dialog.mail_cards[account_id]


def test_a_mailbox_card_says_its_state_in_words(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop
) -> None:
    runtime, window = desk
    assert runtime.accounts is not None
    card = _card(runtime, window, loop)
    accounts, account_id = runtime.accounts, card.account_id
    assert card.status_label.text() == "Not connected"
    assert not card.connect_button.isHidden()

    accounts.state_changed(account_id, "online", ADDRESS)
    assert card.status_label.text() == f"Connected ({shortened_address(ADDRESS)})"
    assert card.status_label.text().startswith("Connected (fulano.de.tal.atendimento@")
    assert card.status_label.text().endswith("…)")

    accounts.history_progressed(account_id, 40, 0)
    assert not card.progress.isHidden()
    assert card.progress.value() == 40
    accounts.history_progressed(account_id, 100, 0)
    assert card.progress.isHidden()

    accounts.state_changed(account_id, "server_unavailable", "", retry_in=30.0)
    assert card.status_label.text() == "Server unavailable — next attempt in 30 s"

    accounts.state_changed(account_id, "auth_required", "sign_in_refused")
    assert card.status_label.text() == "Sign-in needed"
    assert not card.sign_in_button.isHidden()
    assert card.connect_button.isHidden()

    loop.run_until_complete(accounts.settle())
    card.refresh_log()
    shown = [card.log_list.item(row).text() for row in range(card.log_list.count())]
    assert any("Mailbox added" in line for line in shown)
    assert card.linked_label.text() == "0 conversations linked to cases automatically today"


def test_sign_in_again_opens_the_set_up_with_the_mailbox_filled_in(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop
) -> None:
    runtime, window = desk
    card = _card(runtime, window, loop)
    assert window.connections_dialog is not None
    card.sign_in_button.click()
    setup = window.connections_dialog.mail_setup
    assert setup is not None and setup.isVisible()
    assert setup.address_field.text() == ADDRESS and setup.address_field.isReadOnly()
    assert setup.imap.host.text() == "mail.empresa-exemplo.com.br"
    assert setup.password_field.isEnabled()
    setup.reject()


def _setup(window: MainWindow, runtime: Runtime, lookup: Any) -> MailSetupDialog:
    assert runtime.accounts is not None and runtime.email is not None
    setup = MailSetupDialog(runtime.accounts, runtime.email, provider_table(), window, lookup=lookup)
    setup.show()
    return setup


@pytest.mark.parametrize(
    ("address", "provider", "imap_host", "smtp"),
    [
        ("fulano@gmail.com", "google", "imap.gmail.com", ("smtp.gmail.com", 465, "ssl")),
        ("fulano@hotmail.com", "microsoft", "outlook.office365.com", ("smtp.office365.com", 587, "starttls")),
        (
            "fulano@empresa.onmicrosoft.com",
            "microsoft",
            "outlook.office365.com",
            ("smtp.office365.com", 587, "starttls"),
        ),
    ],
)
def test_a_known_domain_fills_provider_and_servers_at_once(
    desk: tuple[Runtime, MainWindow], address: str, provider: str, imap_host: str, smtp: tuple[str, int, str]
) -> None:
    runtime, window = desk

    def no_lookup(domain: str) -> MailServers | None:
        raise AssertionError("a known domain needs no lookup")

    setup = _setup(window, runtime, no_lookup)
    setup.address_field.setText(address)
    setup.address_field.editingFinished.emit()
    assert setup.provider_box.currentData() == provider
    assert setup.method_box.currentData() == "browser"
    assert setup.imap.host.text() == imap_host
    assert (setup.smtp.host.text(), setup.smtp.port.value(), setup.smtp.security.currentData()) == smtp


def test_autoconfiguration_is_looked_up_without_blocking_the_window(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop
) -> None:
    runtime, window = desk
    release = threading.Event()
    asked: list[str] = []

    def slow_lookup(domain: str) -> MailServers | None:
        asked.append(domain)
        release.wait(10)
        return MailServers(
            Server("imap.empresa.com.br", 993, Security.SSL), Server("smtp.empresa.com.br", 465, Security.SSL)
        )

    setup = _setup(window, runtime, slow_lookup)

    async def scenario() -> None:
        ticker = Ticker()
        setup.address_field.setText("ana@empresa.com.br")
        setup.address_field.editingFinished.emit()
        assert "Looking up the servers of empresa.com.br" in setup.status_label.text()
        await ticker.keeps_ticking()  # the window's loop runs while the lookup waits
        assert setup.imap.host.text() == ""
        release.set()
        await until(lambda: setup.imap.host.text() == "imap.empresa.com.br", "the servers found")
        assert setup.provider_box.currentData() == "imap"
        assert setup.smtp.port.value() == 465
        assert setup.status_label.text() == "Servers found for empresa.com.br."
        ticker.task.cancel()

    run(loop, scenario())
    assert asked == ["empresa.com.br"]


def test_servers_typed_by_hand_are_not_overwritten_by_a_late_lookup(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop, qtbot: Any
) -> None:
    runtime, window = desk
    release = threading.Event()

    def slow_lookup(domain: str) -> MailServers | None:
        release.wait(10)
        return MailServers(Server("wrong.example", 993, Security.SSL), Server("wrong.example", 465, Security.SSL))

    setup = _setup(window, runtime, slow_lookup)

    async def scenario() -> None:
        setup.address_field.setText("ana@empresa.com.br")
        setup.address_field.editingFinished.emit()
        qtbot.keyClicks(setup.imap.host, "imap.meu-servidor.com.br")
        release.set()
        await settle()  # the lookup came back

    run(loop, scenario())
    assert setup.imap.host.text() == "imap.meu-servidor.com.br"
    assert setup.smtp.host.text() == ""


def test_plain_text_is_offered_only_for_this_computers_own_server(desk: tuple[Runtime, MainWindow]) -> None:
    runtime, window = desk
    setup = _setup(window, runtime, lambda domain: None)
    setup.imap.host.setText("imap.empresa.com.br")
    assert [setup.imap.security.itemData(i) for i in range(setup.imap.security.count())] == ["ssl", "starttls"]
    setup.imap.host.setText("127.0.0.1")
    assert setup.imap.security.findData(Security.NONE) >= 0
    setup.imap.host.setText("imap.empresa.com.br")
    assert setup.imap.security.findData(Security.NONE) < 0


@pytest.mark.qt_log_ignore("insertPermanentWidget: Index out of range")  # the demo's status bar, not this screen
def test_the_demo_shows_its_sample_accounts_as_cards(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Path
) -> None:
    store = Store.open(profile)
    populate_demo(store)
    runtime = Runtime(store, demo=True)
    window = _window(runtime, store, tmp_path, demo=True)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.connections_action.isEnabled()
        dialog = window.open_connections()
        assert dialog is not None
        [card] = dialog.mail_cards.values()
        assert card.address == EMAIL_ACCOUNT_ADDRESS
        assert card.status_label.text() == "Demo (simulated)"
        assert card.disconnect_button.isHidden() and card.connect_button.isHidden()
        assert len(dialog.demo_cards) == 1  # the WhatsApp sample number
        assert not dialog.add_mail_button.isEnabled() and not dialog.add_button.isEnabled()
    finally:
        window.close()
        loop.run_until_complete(runtime.stop())
        store.close()


def _imap_server_that_accepts_late(listener: socket.socket, asked: threading.Event, answer: threading.Event) -> None:
    """Greets, then holds the LOGIN until ``answer`` is set, and accepts it (as a slow server would)."""
    connection, _ = listener.accept()
    with connection, connection.makefile("rwb") as stream:
        stream.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        stream.flush()
        for line in stream:
            tag, _, command = line.decode().strip().partition(" ")
            verb = command.split(" ", 1)[0].upper()
            if verb == "LOGIN":
                asked.set()
                answer.wait(10)
            if verb == "CAPABILITY":
                stream.write(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            if verb == "LOGOUT":
                stream.write(b"* BYE\r\n")
            stream.write(f"{tag} OK done\r\n".encode())
            stream.flush()
            if verb == "LOGOUT":
                return


def test_closing_the_set_up_while_the_server_is_asked_keeps_nothing(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop
) -> None:
    runtime, window = desk
    listener = socket.create_server(("127.0.0.1", 0))
    asked, answer = threading.Event(), threading.Event()
    threading.Thread(target=_imap_server_that_accepts_late, args=(listener, asked, answer), daemon=True).start()
    setup = _setup(window, runtime, lambda domain: None)
    setup.address_field.setText("ana@empresa.com.br")
    for fields in (setup.imap, setup.smtp):
        fields.host.setText("127.0.0.1")
        fields.port.setValue(listener.getsockname()[1])
        fields.security.setCurrentIndex(fields.security.findData(Security.NONE))
    setup.password_field.setText("segredo")

    async def scenario() -> int | None:
        submitting = asyncio.ensure_future(setup.submit())
        await until(asked.is_set, "the server to be asked")
        setup.reject()  # the attendant gives up
        answer.set()  # and only then the server says yes
        return await submitting

    try:
        assert run(loop, scenario()) is None
    finally:
        listener.close()
    assert runtime.accounts is not None
    assert runtime.accounts.accounts(ChannelKind.EMAIL) == []


def test_a_provider_without_a_client_id_says_it_needs_it_and_opens_no_browser(
    desk: tuple[Runtime, MainWindow], loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, window = desk
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url))
    setup = _setup(window, runtime, lambda domain: None)  # DeskChat's table as built: no client id set by IT
    setup.address_field.setText("fulano@gmail.com")
    setup.address_field.editingFinished.emit()

    assert run(loop, setup.submit()) is None
    assert setup.status_label.text().startswith("Sign-in with Gmail / Google Workspace is not set up on this computer")
    assert opened == []
    assert runtime.accounts is not None and runtime.accounts.accounts(ChannelKind.EMAIL) == []
