"""No customer text, name, phone number or e-mail address reaches a log.

Canaries go through real paths (a WhatsApp message through neonize's dispatch into the store, a store error with the
message's values as parameters, a send that WhatsApp refuses, a failing bus subscriber); then every file under the
profile's logs/ and every captured record, as the app's formatter writes it, is searched for them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from wa_factory import deliver, jid, message_event, text
from wa_harness import Harness

from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelStateChanged
from deskchat.core.messages import OutboundMessage
from deskchat.logs import PrivateFormatter, configure_logging
from deskchat.paths import Profile
from deskchat.services.messaging import MessagingService
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.services.whatsapp_accounts import _RealHandle
from deskchat.store import contacts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

CANARY_NAME = "Zelinda Quaresmeira"
CANARY_PHONE = "5511976543217"
CANARY_OTHER_PHONE = "5521988776655"
CANARY_EMAIL = "zelinda.canario7731@exemplo-canario.com.br"
CANARY_TEXT = "Canario: pedido sigiloso 4417 de tecido turquesa"
CANARIES = (CANARY_NAME, CANARY_PHONE, CANARY_OTHER_PHONE, CANARY_EMAIL, CANARY_TEXT, "Quaresmeira", "sigiloso")


class Captured(logging.Handler):
    """Every record; ``failures`` counts the adapter's records of a failed attempt (a failed store write)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.failures = threading.Semaphore(0)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if record.name == "deskchat.wa" and "failed" in record.getMessage():
            self.failures.release()


@pytest.fixture
def captured(real_store: Store) -> Iterator[Captured]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    configure_logging(real_store.profile.log_dir, verbose=True)
    handler = Captured()
    root.addHandler(handler)
    yield handler
    for added in list(root.handlers):
        root.removeHandler(added)
        if added not in handlers:
            added.close()
    for previous in handlers:
        root.addHandler(previous)
    root.setLevel(level)


async def _refuse_send(to: Any, message: Any, **_: Any) -> Any:
    """WhatsApp refuses a send, naming the chat as whatsmeow's errors do."""
    raise RuntimeError(f"failed to send to {to.User}@{to.Server} (+{to.User}): server returned error 479")


async def _failure_logged(handler: Captured) -> None:
    acquired = await asyncio.get_running_loop().run_in_executor(None, handler.failures.acquire, True, 10)
    assert acquired, "the failing store write was not logged"


def _logged_text(profile: Profile, handler: Captured) -> str:
    files = [
        path.read_text(encoding="utf-8", errors="replace") for path in profile.log_dir.rglob("*") if path.is_file()
    ]
    formatter = PrivateFormatter("%(name)s: %(message)s")
    return "\n".join([*files, *(formatter.format(record) for record in handler.records)])


def test_no_customer_data_reaches_a_log(
    run: Any, real_store: Store, recorder: Any, tmp_path: Any, captured: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = Harness(real_store, recorder, tmp_path)
    # The store refuses the customer's contact and then the message: errors whose parameters are customer data.
    real_store.write_now(
        lambda conn: conn.exec_driver_sql(
            "CREATE TRIGGER refuse_contact BEFORE INSERT ON contacts "
            "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )
    )
    real_store.write_now(
        lambda conn: conn.exec_driver_sql(
            "CREATE TRIGGER refuse_message BEFORE INSERT ON messages "
            "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )
    )

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        received = harness.channel.pipeline.received
        deliver(
            harness.channel.client,
            message_event("C1", text(CANARY_TEXT), chat=jid(CANARY_PHONE), push_name=CANARY_NAME),
        )
        await harness.channel.pipeline.wait_received(received + 1, timeout=5)
        await _failure_logged(captured)
        real_store.write_now(lambda conn: conn.exec_driver_sql("DROP TRIGGER refuse_contact"))
        await _failure_logged(captured)
        real_store.write_now(lambda conn: conn.exec_driver_sql("DROP TRIGGER refuse_message"))
        assert await harness.channel.pipeline.join(timeout=10)
        stored = harness.row("C1")
        assert stored.text == CANARY_TEXT

        # A send WhatsApp refuses, through the outbox.
        monkeypatch.setattr(harness.channel.client, "send_message", _refuse_send)
        messaging = MessagingService(real_store, harness.bus)
        account = _RealHandle(harness.channel)
        handlers = [ChatMessageHandler(real_store), ChatFileHandler(real_store)]
        worker = OutboxDrainer(real_store, harness.bus, lambda _id: account, handlers)
        await messaging.send_text(stored.conversation_id, CANARY_TEXT + " (resposta)")
        await worker.drain_once()
        with pytest.raises(Exception):  # noqa: B017 - any refusal; only what reaches the log matters here
            await harness.channel.send(
                OutboundMessage(harness.account_id, f"{CANARY_OTHER_PHONE}@s.whatsapp.net", "k9", text=CANARY_TEXT)
            )
        await harness.channel.stop()

    run(scenario())

    # A contact with an e-mail address, and a bus subscriber that fails on an event carrying it.
    real_store.write_now(
        lambda conn: contacts.find_or_create_contact(
            conn, [contacts.Identity("email", CANARY_EMAIL)], CANARY_NAME, now=now_ms()
        )
    )
    bus = EventBus()

    def failing(event: ChannelStateChanged) -> None:
        raise ValueError(f"no account for {CANARY_EMAIL} at +{CANARY_PHONE}")

    bus.subscribe(ChannelStateChanged, failing)
    bus.publish(ChannelStateChanged(1, "error", f"{CANARY_NAME} <{CANARY_EMAIL}> {CANARY_TEXT}"))

    logged = _logged_text(real_store.profile, captured)
    assert "IntegrityError" in logged, "the refused store writes were logged (the test reached them)"
    assert "not sent yet" in logged, "the refused send was logged"
    assert "ValueError" in logged, "the subscriber's failure was logged"
    leaked = [canary for canary in CANARIES if canary in logged]
    assert leaked == [], f"customer data in the log: {leaked}"
