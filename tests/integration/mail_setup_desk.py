"""The window over a real store and runtime for the mailbox set-up tests, with IT's policy file pointing Google
sign-in at the mail stack's OAuth server, and helpers to fill the set-up dialog."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import qasync
from mailstack import DOMAIN, MailStack
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from deskchat.channels.email.account import Security
from deskchat.paths import Profile
from deskchat.runtime import Runtime
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

    stopped: bool = False

    def run(self, scenario: Any) -> Any:
        """Run a test's whole scenario on the loop, then stop the app on it too: the mailboxes' background work must
        not run later, when pytest-qt processes Qt events with no loop running."""

        async def then_stop() -> Any:
            try:
                return await asyncio.wait_for(scenario, WAIT_S * 2)
            finally:
                await self.stop()

        return self.loop.run_until_complete(then_stop())

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.runtime.stop()
            await tasks.settle()

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


@pytest.fixture(name="policy")
def policy_fixture(tmp_path: Path, mail_stack: MailStack, monkeypatch: pytest.MonkeyPatch) -> Path:
    """IT's policy file sends Google sign-in to the local OAuth server (no system policy exists on this machine)."""
    path = tmp_path / "policy.json"
    base = mail_stack.oauth.base_url
    google = {"client_id": "deskchat-test", "auth_uri": f"{base}/authorize", "token_uri": f"{base}/token"}
    path.write_text(json.dumps({"mail": {"providers": {"google": google}}}))
    monkeypatch.setenv("DESKCHAT_POLICY", str(path))
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the local OAuth server speaks plain HTTP
    return path


@pytest.fixture(name="desk")
def desk_fixture(qtbot: Any, qapp: QApplication, profile: Profile, tmp_path: Path, policy: Path) -> Iterator[Desk]:
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
    desk = Desk(loop, store, runtime, window)
    yield desk
    window.close()
    loop.run_until_complete(desk.stop())
    store.close()
    loop.close()
    asyncio.set_event_loop(None)
    del window
    gc.collect()
    assert tasks.failures == []


def mail(to: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Cliente Teste <cliente@{DOMAIN}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject.replace(' ', '-')}@{DOMAIN}>"
    message.set_content("Bom dia, preciso de ajuda com o pedido.")
    return message.as_bytes()


def fill_servers(setup: MailSetupDialog, stack: MailStack, address: str) -> None:
    setup.address_field.setText(address)
    setup.name_field.setText("Suporte")
    for fields, port in ((setup.imap, stack.imap_port), (setup.smtp, stack.smtp.port)):
        fields.host.setText("127.0.0.1")
        fields.port.setValue(port)
        fields.security.setCurrentIndex(fields.security.findData(Security.NONE))


def password_setup(desk: Desk, stack: MailStack, address: str, password: str) -> MailSetupDialog:
    setup = desk.connections().open_mail_setup()
    assert setup is not None
    fill_servers(setup, stack, address)
    setup.provider_box.setCurrentIndex(setup.provider_box.findData("imap"))
    setup.password_field.setText(password)
    return setup


def answer(parent: Any, label: str) -> None:
    [box] = [b for b in parent.findChildren(QMessageBox, QUESTION_OBJECT_NAME) if b.isVisible()]
    [button] = [b for b in box.buttons() if isinstance(b, QPushButton) and b.text() == label]
    button.click()
