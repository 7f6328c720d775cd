"""In --demo, a customer who read the attendant's message answers in the same conversation (the demo shows new
messages arriving: badges, notifications), and a sent e-mail gets ticks but no chat answer."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence

from deskchat.core.events import DeliveryState, MessageStored
from deskchat.core.messages import Identity, IdentityKind, InboundMessage, OutboundMessage
from deskchat.runtime import Runtime
from deskchat.store import accounts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

CHAT = "5511987654321@s.whatsapp.net"


def _first_message(account_id: int) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=CHAT,
        chat_title="Ana Souza",
        identities=[Identity(IdentityKind.PHONE, "+5511987654321")],
        channel_id="IN-1",
        text="Bom dia, o boleto chegou?",
        sent_at=now_ms(),
        sender_name="Ana Souza",
    )


def _quick(runtime: Runtime) -> None:
    channel = runtime._demo_channels[0]
    channel._delivered_after, channel._read_after, channel._answer_after = 0.0, 0.0, 0.0
    channel._chooser = random.Random(1)


def test_a_demo_customer_answers_in_the_same_conversation(store: Store) -> None:
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms()))
    runtime = Runtime(store, demo=True)
    _quick(runtime)
    channel = runtime._demo_channels[0]
    incoming: list[MessageStored] = []

    async def scenario() -> None:
        answered = asyncio.Event()

        def on_stored(event: MessageStored) -> None:
            if not event.outgoing:
                incoming.append(event)
                if len(incoming) == 2:
                    answered.set()

        runtime.bus.subscribe(MessageStored, on_stored)
        await runtime.ingest.ingest([_first_message(account_id)])
        receipt = await channel.send(
            OutboundMessage(account_id, CHAT, "key-1", text="Chegou sim!", channel_id="3EB0DEMO1")
        )
        assert receipt.state == DeliveryState.SENT
        async with asyncio.timeout(10):
            await answered.wait()
        channel.stop()

    asyncio.run(scenario())
    assert incoming[0].conversation_id == incoming[1].conversation_id  # the same chat, the same customer
    with store.read() as conn:
        answer = messages.get(conn, incoming[1].message_id)
        row = conversations.get(conn, incoming[1].conversation_id)
    assert answer is not None and answer.reply_to_channel_id == "3EB0DEMO1" and answer.text
    assert row is not None and row.unread_count == 2


def test_a_demo_mail_gets_ticks_but_no_chat_answer(store: Store) -> None:
    account_id = store.write_now(lambda conn: accounts.create_account(conn, "email", "Atendimento", now=now_ms()))
    runtime = Runtime(store, demo=True)
    _quick(runtime)
    channel = runtime._demo_channels[0]
    answers: list[Sequence[InboundMessage]] = []

    async def record(batch: Sequence[InboundMessage]) -> None:
        answers.append(batch)

    channel._on_reply = record

    async def scenario() -> None:
        await channel.send(OutboundMessage(account_id, "ana@cliente.com.br", "key-2", text="Segue", subject="Boleto"))
        await asyncio.gather(*channel._pending)

    asyncio.run(scenario())
    assert answers == []
