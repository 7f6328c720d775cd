"""Real neonize events, pushed through neonize's own dispatch (``Event.execute`` from a "Go" thread), through the
adapter into a real encrypted store via the real IngestService and ReceiptService."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from sqlalchemy import select
from wa_factory import (
    CUSTOMER,
    CUSTOMER_LID,
    LEGACY_CUSTOMER,
    document,
    edit,
    history_event,
    history_message,
    image,
    jid,
    message_event,
    reaction,
    receipt_event,
    reply,
    revoke,
    text,
    voice_note,
)
from wa_harness import Harness, SendingClient

from deskchat.core.events import DeliveryState
from deskchat.core.messages import Identity, OutboundMessage
from deskchat.services.messaging import MessagingService
from deskchat.services.outbox import ChatFileHandler, ChatMessageHandler, OutboxDrainer
from deskchat.services.whatsapp_accounts import _RealHandle
from deskchat.store import contacts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.schema import contact_identities
from deskchat.store.schema import conversations as conversations_table
from deskchat.store.schema import messages as messages_table

CHAT_KEY = f"{CUSTOMER}@s.whatsapp.net"


@pytest.fixture
def harness(real_store: Store, recorder: Any, tmp_path: Path) -> Iterator[Harness]:
    made = Harness(real_store, recorder, tmp_path)
    yield made
    made.spool.close()


def test_message_kinds_reach_the_store(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(
            message_event("M1", text("Olá, quero um orçamento")),
            message_event("M2", reply("É para amanhã", "M1", "Olá, quero um orçamento", CHAT_KEY)),
            message_event("M3", image("foto do produto")),
            message_event("M4", document("pedido.pdf")),
            message_event("M5", voice_note()),
        )
        await harness.channel.stop()

    run(scenario())
    assert [harness.row(f"M{i}").kind for i in range(1, 6)] == ["text", "text", "image", "document", "voice"]
    assert harness.row("M2").reply_to_channel_id == "M1"
    assert harness.row("M3").text == "foto do produto"
    with harness.store.read() as conn:
        names = messages.attachment_names(conn, [harness.row("M3").id, harness.row("M4").id])
    assert names[harness.row("M4").id] == [("pedido.pdf", "application/pdf", 98_765)]
    assert names[harness.row("M3").id][0][1] == "image/jpeg"
    assert len(harness.contact_ids()) == 1
    assert len(harness.recorder.messages) == 5  # five events, one ordered batch or more


@pytest.mark.allow_error_logs  # a failing group is logged at ERROR on each attempt
def test_a_failing_store_write_is_retried_not_lost(run: Any, harness: Harness) -> None:
    attempts: list[int] = []
    ingest = harness.recorder.ingest
    assert ingest is not None

    async def flaky(batch: Sequence[Any], *channel_steps: Any) -> object:
        attempts.append(len(batch))
        if len(attempts) == 1:
            raise RuntimeError("database is locked")
        return await ingest(batch, *channel_steps)

    harness.recorder.ingest = flaky

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(message_event("F1", text("não me perca")), receipt_event(["F0"], N.Receipt.READ_SELF))
        await harness.channel.stop()

    run(scenario())
    assert attempts == [1, 1]
    assert harness.row("F1").text == "não me perca"
    assert [read.channel_ids for read in harness.recorder.read_elsewhere] == [("F0",)]


def test_legacy_brazilian_number_lid_and_crm_phone_are_one_contact(run: Any, harness: Harness) -> None:
    crm_contact = harness.store.write_now(
        lambda conn: contacts.find_or_create_contact(
            conn, [Identity("phone", "+5511987654321")], "Maria (CRM)", now=now_ms()
        )
    )
    lid = jid(CUSTOMER_LID, "lid")

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(message_event("B1", text("oi"), chat=jid(LEGACY_CUSTOMER)))
        await harness.feed(
            message_event(
                "B2", text("sou eu"), chat=lid, sender=lid, sender_alt=jid(LEGACY_CUSTOMER), lid_addressing=True
            )
        )
        await harness.feed(message_event("B3", text("de novo"), chat=jid(CUSTOMER)))
        await harness.feed(message_event("B4", text("só LID"), chat=lid, sender=lid, lid_addressing=True))
        await harness.channel.stop()

    run(scenario())
    assert harness.contact_ids() == {crm_contact}
    with harness.store.read() as conn:
        keys = set(conn.execute(select(conversations_table.c.channel_key)).scalars())
        kinds = set(
            conn.execute(
                select(contact_identities.c.kind, contact_identities.c.value).where(
                    contact_identities.c.contact_id == crm_contact
                )
            )
        )
    assert keys == {CHAT_KEY}  # one conversation too
    assert {("phone", "+5511987654321"), ("wa_pn", LEGACY_CUSTOMER), ("wa_lid", CUSTOMER_LID)} <= kinds


def test_reactions_edits_and_revokes_apply_to_stored_messages(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(
            message_event("OWN1", text("Seu pedido saiu"), from_me=True),
            message_event("X1", reaction("LATE", "🙏")),  # its target is not stored yet
            message_event("M1", text("obrigada")),
            message_event("X2", reaction("OWN1", "❤️")),
            message_event("X3", edit("M1", "obrigada!!"), edit="1"),
            message_event("M2", text("apaga isso")),
            message_event("X4", revoke("M2"), edit="7"),
            message_event("X5", edit("OWN1", "hack"), edit="1"),  # the customer cannot edit our message
            message_event("LATE", text("chegou depois")),
        )
        await harness.channel.stop()

    run(scenario())
    with harness.store.read() as conn:
        reactions = messages.reactions_of(conn, [harness.row("OWN1").id, harness.row("LATE").id])
    assert reactions == {harness.row("OWN1").id: ["❤️"], harness.row("LATE").id: ["🙏"]}
    assert harness.row("M1").text == "obrigada!!" and harness.row("M1").edited_at is not None
    assert harness.row("M2").deleted_at is not None and harness.row("M2").text == ""
    assert harness.row("OWN1").text == "Seu pedido saiu"


def test_receipts_before_and_after_their_message(run: Any, harness: Harness) -> None:
    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(receipt_event(["PHONE1"], N.Receipt.READ))  # sent from the phone, not here yet
        assert len(harness.channel.processor.pending_receipts) == 1
        await harness.feed(message_event("PHONE1", text("mandei do celular"), from_me=True))
        await harness.feed(
            message_event("PHONE2", text("outra"), from_me=True), receipt_event(["PHONE2"], N.Receipt.DELIVERED)
        )
        await harness.feed(receipt_event(["PHONE2"], None))  # unset type: ignored, never "delivered"
        await harness.channel.stop()

    run(scenario())
    assert harness.row("PHONE1").delivery == DeliveryState.READ
    assert harness.row("PHONE2").delivery == DeliveryState.DELIVERED
    assert len(harness.channel.processor.pending_receipts) == 0


def test_sending_through_the_outbox_with_early_and_late_receipts(run: Any, harness: Harness) -> None:
    messaging = MessagingService(harness.store, harness.bus)
    account = _RealHandle(harness.channel)
    handlers = [ChatMessageHandler(harness.store), ChatFileHandler(harness.store)]
    worker = OutboxDrainer(harness.store, harness.bus, lambda _id: account, handlers, wake=messaging.work_queued)

    async def early_receipt(message_id: str) -> None:
        await harness.feed(receipt_event([message_id], N.Receipt.DELIVERED))  # before send_message returns

    async def scenario() -> SendingClient:
        await harness.channel.start()
        await harness.feed(message_event("IN1", text("oi"), chat=jid(LEGACY_CUSTOMER)), N.Connected(status=True))
        client = harness.channel.client
        assert isinstance(client, SendingClient)
        conversation_id = harness.row("IN1").conversation_id
        client.before_reply = early_receipt
        await messaging.send_text(conversation_id, "Olá! Em que posso ajudar?", reply_to_channel_id="IN1")
        assert await worker.drain_once() == 1
        client.before_reply = None
        assert harness.row("OUT1").delivery == DeliveryState.DELIVERED  # the receipt that raced the send
        await harness.feed(receipt_event(["OUT1"], N.Receipt.READ))
        assert harness.row("OUT1").delivery == DeliveryState.READ
        # a receipt that arrives after send() returned but before the outbox stored the id
        await messaging.send_text(conversation_id, "segunda")
        receipt = await harness.channel.send(OutboundMessage(harness.account_id, CHAT_KEY, "k2", "segunda"))
        await harness.feed(receipt_event([receipt.channel_id], N.Receipt.READ))
        assert receipt.channel_id in harness.channel.processor.pending_receipts
        queued = harness.store.write_now(
            lambda conn: conn.execute(
                select(messages_table.c.id).where(messages_table.c.text == "segunda")
            ).scalar_one()
        )
        harness.store.write_now(lambda conn: messages.set_channel_id(conn, queued, receipt.channel_id))
        await harness.recorder.wait_for(lambda: harness.row(receipt.channel_id).delivery == DeliveryState.READ)
        await harness.channel.stop()
        return client

    client = run(scenario())
    to, message = client.sent[0]
    assert (to.User, to.Server) == (LEGACY_CUSTOMER, "s.whatsapp.net")  # WhatsApp's own JID for this chat
    context = message.extendedTextMessage.contextInfo
    assert context.stanzaID == "IN1"
    assert context.quotedMessage.conversation == "oi"
    assert context.participant == f"{LEGACY_CUSTOMER}@s.whatsapp.net"


def test_first_send_to_a_number_asks_whatsapp_for_its_jid_once(run: Any, harness: Harness) -> None:
    new_chat = "5521999990000@s.whatsapp.net"

    async def scenario() -> SendingClient:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        for key in ("a", "b"):
            await harness.channel.send(OutboundMessage(harness.account_id, new_chat, key, "Olá"))
        client = harness.channel.client
        assert isinstance(client, SendingClient)
        await harness.channel.stop()
        return client

    client = run(scenario())
    assert [call for call in client.sent if call[0] == "is_on_whatsapp"] == [("is_on_whatsapp", ("+5521999990000",))]
    assert client.sent[1][1].conversation == "Olá"


def test_group_messages_get_the_group_subject(run: Any, harness: Harness) -> None:
    group = jid("120363025246125486", "g.us")

    async def scenario() -> SendingClient:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        for n in range(2):
            await harness.feed(message_event(f"G{n}", text("bom dia"), chat=group, sender=jid(CUSTOMER), group=True))
        client = harness.channel.client
        assert isinstance(client, SendingClient)
        await harness.channel.stop()
        return client

    client = run(scenario())
    with harness.store.read() as conn:
        conversation = conversations.get(conn, harness.row("G0").conversation_id)
    assert conversation is not None
    assert (conversation.title, conversation.is_group) == ("Equipe Vendas", True)
    assert client.sent.count(("get_group_info", "120363025246125486")) == 1  # asked once per session


def test_disconnect_unlinks_and_deletes_the_session(run: Any, harness: Harness) -> None:
    async def scenario() -> SendingClient:
        await harness.channel.start()
        await harness.feed(N.Connected(status=True))
        client = harness.channel.client
        assert isinstance(client, SendingClient)
        assert harness.channel.files.path.exists()
        await harness.channel.disconnect()
        return client

    client = run(scenario())
    assert ("logout",) in client.sent
    assert not harness.channel.files.path.exists()
    assert harness.channel.status.state.value == "not_connected"


def test_history_sync_of_1000_messages(run: Any, harness: Harness) -> None:
    chat = f"{CUSTOMER_LID}@lid"
    history = history_event(
        [
            HS.Conversation(
                ID=chat,
                pnJID=CHAT_KEY,
                name="Maria",
                messages=[
                    history_message(f"H{i}", f"histórico {i}", from_me=i % 2 == 0, ts_s=1_700_000_000 + i, chat=chat)
                    for i in range(1000)
                ],
            )
        ]
    )

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(history)
        await harness.feed(history)  # WhatsApp sends overlapping blobs: stored once
        await harness.channel.stop()

    run(scenario())
    [conversation_id] = {harness.row("H0").conversation_id, harness.row("H999").conversation_id}
    with harness.store.read() as conn:
        assert messages.count_in_conversation(conn, conversation_id) == 1000
        row = conversations.get(conn, conversation_id)
    assert row is not None and row.unread_count == 0  # history is not news: no badge, no reopened ticket
    assert harness.row("H0").delivery == DeliveryState.READ
    assert any(link.lid_user == CUSTOMER_LID for link in harness.recorder.links)
    assert harness.recorder.log_events("history_sync")
    stored = [messages_in_piece for _, messages_in_piece in harness.recorder.progress]
    assert stored == [1000, 1000]  # pieces as received; the store deduplicates the overlapping second one


def test_undecryptable_message_placeholder_then_the_real_message(run: Any, harness: Harness) -> None:
    info = message_event("U1", text("")).Info

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(N.UndecryptableMessage(Info=info, IsUnavailable=True))
        assert harness.row("U1").kind == "pending"
        await harness.feed(message_event("U1", text("agora sim")))
        await harness.channel.stop()

    run(scenario())
    assert [(m.channel_id, m.kind) for m in harness.recorder.messages] == [("U1", "pending"), ("U1", "text")]


def test_the_store_replaces_the_placeholder(run: Any, harness: Harness) -> None:
    info = message_event("U1", text("")).Info

    async def scenario() -> None:
        await harness.channel.start()
        await harness.feed(N.UndecryptableMessage(Info=info), message_event("U1", text("agora sim")))
        await harness.channel.stop()

    run(scenario())
    assert (harness.row("U1").kind, harness.row("U1").text) == ("text", "agora sim")
