"""A real window over a real encrypted store with a mailbox (a fake at the channel boundary) and a WhatsApp number,
for the mail composer and mail view tests."""

from __future__ import annotations

import asyncio
import base64
import gc
from collections.abc import Coroutine, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QSettings
from ui_harness import BASE_MS, FakeChannel, customer_messages

from deskchat.channels.base import Capability, SendReceipt
from deskchat.core.messages import Identity, InboundMessage, OutboundMessage
from deskchat.paths import Profile
from deskchat.runtime import Runtime
from deskchat.services.outbox.email_handler import MailSendHandler
from deskchat.store import accounts, conversations, mail_accounts, mail_reading
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.ui.main_window import MainWindow, WindowServices
from deskchat.ui.tasks import settle

T = TypeVar("T")

CUSTOMER = "carla@loja.example"
MAILBOX = "suporte@empresa.com.br"
MAIL_ID = "pedido-123@loja.example"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
MAIL_HTML = '<p>Bom dia,</p><p>O pedido 123 não chegou.</p><img src="https://tracker.loja.example/p.png?u=ana">'


@dataclass
class FakeMailbox:
    """A mailbox at the channel boundary: records the mails the outbox hands it."""

    account_id: int
    sent: list[OutboundMessage] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    capabilities: frozenset[Capability] = frozenset({Capability.SEND_TEXT, Capability.SEND_FILES, Capability.SUBJECTS})

    def available(self) -> bool:
        return True

    async def send(self, message: OutboundMessage) -> SendReceipt:
        self.sent.append(message)
        self.arrived.set()
        return SendReceipt(message.channel_id)


class FakeFetcher:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, urls: Iterable[str]) -> Mapping[str, bytes]:
        wanted = list(urls)
        self.asked.append(wanted)
        return {url: PIXEL for url in wanted}


@dataclass
class MailApp:
    loop: asyncio.AbstractEventLoop
    store: Store
    runtime: Runtime
    window: MainWindow
    mailbox: FakeMailbox
    fetcher: FakeFetcher
    mail_conversation: int
    chat_conversation: int
    mail_message: int
    bodies_fetched: list[int]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)


def customer_mail(account_id: int, subject: str, *, sender_name: str = "Carla Dias") -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=CUSTOMER,
        chat_title=sender_name,
        identities=[Identity("email", CUSTOMER)],
        channel_id=MAIL_ID,
        text="Bom dia,\nO pedido 123 não chegou.",
        sent_at=BASE_MS + 3_600_000,
        kind="email",
        sender_name=sender_name,
        subject=subject,
    )


def open_mail_app(
    qtbot: Any, loop: asyncio.AbstractEventLoop, profile: Profile, tmp_path: Any, *, subject: str, sender_name: str
) -> MailApp:
    store = Store.open(profile)

    def make_accounts(conn: Any) -> tuple[int, int]:
        whatsapp = accounts.create_account(conn, "whatsapp", "Comercial", "+5511", now=now_ms())
        mail = accounts.create_account(conn, "email", MAILBOX, MAILBOX, now=now_ms())
        mail_accounts.save_settings(conn, mail, MAILBOX, {"display_name": "Ana Souza"})
        return whatsapp, mail

    whatsapp_id, mail_id = store.write_now(make_accounts)
    runtime = Runtime(store)
    runtime.channels[whatsapp_id] = FakeChannel()
    mailbox = FakeMailbox(mail_id)
    runtime.channels[mail_id] = mailbox

    async def nothing_in_sent(account_id: int, key: str) -> str | None:
        return None

    runtime.worker.register(MailSendHandler(store, nothing_in_sent))
    loop.run_until_complete(runtime.ingest.ingest(customer_messages(whatsapp_id, customers=1, per_customer=2)))
    loop.run_until_complete(runtime.ingest.ingest([customer_mail(mail_id, subject, sender_name=sender_name)]))

    def find(conn: Any) -> tuple[int, int, int]:
        mail_conversation = conversations.by_channel_key(conn, mail_id, CUSTOMER)
        chat_conversation = conversations.by_channel_key(conn, whatsapp_id, "5511987650000@s.whatsapp.net")
        assert mail_conversation is not None and chat_conversation is not None
        from deskchat.store import messages

        found = messages.find_by_channel_id(conn, mail_id, MAIL_ID)
        assert found is not None
        mail_reading.set_html(conn, found.id, MAIL_HTML)
        return mail_conversation, chat_conversation, found.id

    mail_conversation, chat_conversation, mail_message = store.write_now(find)
    fetched: list[int] = []

    async def fetch_body(account_id: int, message_id: int) -> None:
        fetched.append(message_id)
        await store.write(
            lambda conn: conn.exec_driver_sql(
                "UPDATE messages SET body_state = 'full', html = ? WHERE id = ?", (MAIL_HTML, message_id)
            )
        )

    fetcher = FakeFetcher()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        WindowServices(
            store,
            runtime.bus,
            runtime.messaging,
            runtime.tickets,
            reading=runtime.reading,
            email_sending=runtime.email_sending,
            fetch_mail_body=fetch_body,
            image_fetcher=fetcher,
        ),
        settings,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return MailApp(
        loop, store, runtime, window, mailbox, fetcher, mail_conversation, chat_conversation, mail_message, fetched
    )


def close_mail_app(app: MailApp) -> None:
    app.window.close()
    app.run(settle())
    app.loop.run_until_complete(app.runtime.stop())
    app.store.close()
    del app.window
    gc.collect()


def mail_app_fixture(
    qtbot: Any,
    loop: asyncio.AbstractEventLoop,
    profile: Profile,
    tmp_path: Any,
    subject: str = "RE: RE: [Caso #42] Pedido atrasado",
    sender_name: str = "Carla Dias",
) -> Iterator[MailApp]:
    app = open_mail_app(qtbot, loop, profile, tmp_path, subject=subject, sender_name=sender_name)
    yield app
    close_mail_app(app)
