"""Adding a mailbox through the connection screen, against the real Dovecot, SMTP and OAuth servers: a password
sign-in that ends "Connected" with the mail in the conversation list, a wrong password told in words with nothing
stored, the Google browser sign-in (endpoints from IT's policy file), and "Disconnect" that asks first and then
deletes the credentials."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import qasync
from mailstack import DOMAIN, MailStack, free_port
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from deskchat.channels.email.account import Security
from deskchat.core.events import ChannelKind
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.store import mail_accounts
from deskchat.store.database import Store
from deskchat.ui import tasks
from deskchat.ui.connections.dialog import ConnectionsDialog
from deskchat.ui.connections.mail_setup import MailSetupDialog
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.notices import QUESTION_OBJECT_NAME

WAIT_S = 20.0


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@dataclass
class Desk:
    loop: asyncio.AbstractEventLoop
    store: Store
    runtime: Runtime
    window: MainWindow

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, WAIT_S * 2))

    def connections(self) -> ConnectionsDialog:
        dialog = self.window.open_connections()
        assert dialog is not None
        return dialog

    def listed_titles(self) -> set[str]:
        pane = self.window.conversation_pane
        return {str(model.index(row, 0).data()) for model in pane.models.values() for row in range(model.rowCount())}

    def secrets(self) -> list[str]:
        with self.store.read() as conn:
            return [str(row[0]) for row in conn.exec_driver_sql("SELECT name FROM secrets").fetchall()]


@pytest.fixture
def policy(tmp_path: Path, mail_stack: MailStack, monkeypatch: pytest.MonkeyPatch) -> Path:
    """IT's policy file sends Google sign-in to the local OAuth server (no system policy exists on this machine)."""
    path = tmp_path / "policy.json"
    base = mail_stack.oauth.base_url
    google = {"client_id": "deskchat-test", "auth_uri": f"{base}/authorize", "token_uri": f"{base}/token"}
    path.write_text(json.dumps({"mail": {"providers": {"google": google}}}))
    monkeypatch.setenv("DESKCHAT_POLICY", str(path))
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the local OAuth server speaks plain HTTP
    return path


@pytest.fixture
def desk(qtbot: Any, qapp: QApplication, profile: Profile, tmp_path: Path, policy: Path) -> Iterator[Desk]:
    tasks.failures.clear()
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    store = Store.open(profile)
    runtime = Runtime(store, whatsapp_sessions=profile.whatsapp_dir)
    assert runtime.accounts is not None
    services = WindowServices(
        store,
        runtime.bus,
        runtime.messaging,
        runtime.tickets,
        whatsapp=runtime.whatsapp,
        accounts=runtime.accounts,
        email=runtime.email,
        reading=runtime.reading,
    )
    window = MainWindow(services, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    yield Desk(loop, store, runtime, window)
    window.close()
    loop.run_until_complete(runtime.stop())
    loop.run_until_complete(tasks.settle())
    store.close()
    loop.close()
    asyncio.set_event_loop(None)
    del window
    gc.collect()
    assert tasks.failures == []


def _mail(to: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Cliente Teste <cliente@{DOMAIN}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject.replace(' ', '-')}@{DOMAIN}>"
    message.set_content("Bom dia, preciso de ajuda com o pedido.")
    return message.as_bytes()


def _fill_servers(setup: MailSetupDialog, stack: MailStack, address: str) -> None:
    setup.address_field.setText(address)
    setup.name_field.setText("Suporte")
    for fields, port in ((setup.imap, stack.imap_port), (setup.smtp, stack.smtp.port)):
        fields.host.setText("127.0.0.1")
        fields.port.setValue(port)
        fields.security.setCurrentIndex(fields.security.findData(Security.NONE))


def _password_setup(desk: Desk, stack: MailStack, address: str, password: str) -> MailSetupDialog:
    setup = desk.connections().open_mail_setup()
    assert setup is not None
    _fill_servers(setup, stack, address)
    setup.provider_box.setCurrentIndex(setup.provider_box.findData("imap"))
    setup.password_field.setText(password)
    return setup


def _answer(parent: Any, label: str) -> None:
    [box] = [b for b in parent.findChildren(QMessageBox, QUESTION_OBJECT_NAME) if b.isVisible()]
    [button] = [b for b in box.buttons() if isinstance(b, QPushButton) and b.text() == label]
    button.click()


def test_a_mailbox_added_with_its_password_connects_and_its_mail_reaches_the_list(
    desk: Desk, mail_stack: MailStack, qtbot: Any
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    mail_stack.dovecot.deliver(_mail(user, "Pedido 4471 atrasado"), recipient=user)

    async def scenario() -> None:
        setup = _password_setup(desk, mail_stack, user, user.split("@")[0] + "-pw")
        dialog = desk.connections()
        qtbot.mouseClick(setup.connect_button, Qt.MouseButton.LeftButton)
        await until(lambda: len(dialog.mail_cards) == 1, "the mailbox's card")
        [card] = dialog.mail_cards.values()
        await until(lambda: card.status_label.text().startswith("Connected ("), "Connected")
        assert card.status_label.text() == f"Connected ({user})"
        assert not card.disconnect_button.isHidden()
        await until(lambda: "Cliente Teste" in desk.listed_titles(), "the customer's mail in the list")
        assert f"mail:{card.account_id}:sign_in" in desk.secrets()

    desk.run(scenario())


def test_a_wrong_password_is_told_in_words_and_nothing_is_stored(desk: Desk, mail_stack: MailStack) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        setup = _password_setup(desk, mail_stack, user, "not-the-password")
        dialog = desk.connections()
        assert await setup.submit() is None
        assert "refused this user name or password" in setup.status_label.text()
        assert setup.isVisible()  # the attendant can correct it
        assert dialog.mail_cards == {}
        assert desk.secrets() == []
        assert desk.runtime.accounts is not None
        assert desk.runtime.accounts.accounts(ChannelKind.EMAIL) == []

    desk.run(scenario())


def test_an_unreachable_server_is_told_in_words(desk: Desk, mail_stack: MailStack) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    async def scenario() -> None:
        setup = _password_setup(desk, mail_stack, user, "whatever")
        setup.imap.port.setValue(free_port())
        assert await setup.submit() is None
        assert "Cannot reach the mail server 127.0.0.1" in setup.status_label.text()
        assert desk.secrets() == []

    desk.run(scenario())


def test_google_sign_in_in_the_browser_connects_the_mailbox(
    desk: Desk, mail_stack: MailStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    opened: list[str] = []

    def browser(url: str, *_args: Any, **_kwargs: Any) -> bool:  # consent, then the redirect to DeskChat's loopback
        opened.append(url)
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", browser)

    async def scenario() -> None:
        setup = desk.connections().open_mail_setup()
        assert setup is not None
        setup.provider_box.setCurrentIndex(setup.provider_box.findData("google"))
        _fill_servers(setup, mail_stack, user)  # Gmail's servers replaced by the local ones
        pkce_checked = mail_stack.oauth.state.pkce_checked
        account_id = await setup.submit()
        assert account_id is not None, setup.status_label.text()
        assert opened and opened[0].startswith(mail_stack.oauth.base_url)  # IT's endpoint from the policy file
        assert mail_stack.oauth.state.pkce_checked == pkce_checked + 1
        card = desk.connections().mail_cards[account_id]
        await until(lambda: card.status_label.text() == f"Connected ({user})", "Connected")

    desk.run(scenario())


def test_disconnect_asks_first_then_the_card_and_the_credentials_go(
    desk: Desk, mail_stack: MailStack, qtbot: Any
) -> None:
    user = mail_stack.dovecot.fresh_mailbox()

    def question(card: Any) -> bool:
        return any(box.isVisible() for box in card.findChildren(QMessageBox, QUESTION_OBJECT_NAME))

    async def scenario() -> None:
        setup = _password_setup(desk, mail_stack, user, user.split("@")[0] + "-pw")
        account_id = await setup.submit()
        dialog = desk.connections()
        card = dialog.mail_cards[account_id]
        await until(lambda: card.status_label.text().startswith("Connected"), "Connected")

        qtbot.mouseClick(card.disconnect_button, Qt.MouseButton.LeftButton)
        await until(lambda: question(card), "the question")
        _answer(card, "Cancel")
        await tasks.settle()
        assert dialog.mail_cards == {account_id: card}
        assert desk.secrets() == [f"mail:{account_id}:sign_in"]

        qtbot.mouseClick(card.disconnect_button, Qt.MouseButton.LeftButton)
        await until(lambda: question(card), "the question again")
        _answer(card, "Disconnect")
        await until(lambda: dialog.mail_cards == {}, "the card to go")
        assert desk.secrets() == []
        with desk.store.read() as conn:
            assert mail_accounts.secret(conn, f"mail:{account_id}:sign_in") is None
        assert desk.runtime.accounts is not None
        await desk.runtime.accounts.settle()
        assert desk.runtime.accounts.state(account_id).state == "not_connected"

    desk.run(scenario())
