"""The message history of conversations linked to a CRM case is queued for the CRM, over a real store: each message
once, in few batches, earlier messages once per new link, and what was not queued before an exit is found again."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text

from deskchat.core.bus import EventBus
from deskchat.core.events import DeliveryState, MessageStored, MessageUpdated
from deskchat.core.messages import Attachment, Identity, IdentityKind
from deskchat.services.crm_history import CrmHistory
from deskchat.services.crm_push import HISTORY_BATCH, CrmPush
from deskchat.store import accounts, contacts, conversations, crm_records, messages
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.store.schema import outbox

NOW = 1_763_800_000_000
_channel_ids = itertools.count(1)


@dataclass
class World:
    store: Store
    bus: EventBus
    push: CrmPush
    whatsapp: int
    email: int
    conversation: int
    mail_conversation: int
    case: int  # local id
    case_crm_id: str
    other_case: int
    other_case_crm_id: str


def make_world(store: Store) -> World:
    def build(conn: Any) -> World:
        crm = accounts.create_account(conn, "crm", "CRM", now=NOW)
        whatsapp = accounts.create_account(conn, "whatsapp", "WhatsApp", now=NOW)
        email = accounts.create_account(conn, "email", "Mail", now=NOW)
        person = contacts.find_or_create_contact(conn, [Identity(IdentityKind.PHONE, "+5511912345678")], now=NOW)
        chat = conversations.find_or_create_conversation(conn, whatsapp, "5511912345678", person, "Maria", now=NOW)
        mail = conversations.find_or_create_conversation(conn, email, "thread-1", person, "Maria", now=NOW)
        case = crm_records.save_case(conn, person, None, now=NOW, crm_id="11111111-1111-4111-8111-111111111111")
        other = crm_records.save_case(conn, person, None, now=NOW, crm_id="22222222-2222-4222-8222-222222222222")
        return World(
            store, EventBus(), CrmPush(store, crm), whatsapp, email, chat, mail, case,
            "11111111-1111-4111-8111-111111111111", other, "22222222-2222-4222-8222-222222222222",
        )  # fmt: skip

    return store.write_now(build)


def add(
    world: World, conversation: int, body: str, *, outgoing: bool = False, publish: bool = True, **extra: Any
) -> int:
    account = world.email if conversation == world.mail_conversation else world.whatsapp
    delivery = extra.pop("delivery", DeliveryState.SENT if outgoing else DeliveryState.RECEIVED)
    new = NewMessage(
        conversation_id=conversation,
        account_id=account,
        channel_id=f"wamid-{next(_channel_ids)}",
        outgoing=outgoing,
        text=body,
        sent_at=NOW + len(body),
        delivery=delivery,
        sender_name="Ana" if outgoing else "Maria",
        **extra,
    )
    message_id = world.store.write_now(lambda conn: messages.add_message(conn, new, now=NOW))
    assert message_id is not None
    if publish:
        world.bus.publish(MessageStored(conversation, message_id, outgoing))
    return message_id


def link(world: World, conversation: int, case: int, by: str = "phone") -> None:
    world.store.write_now(lambda conn: crm_records.link_case(conn, conversation, case, by, now=NOW))


def appends(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(outbox.c.payload_json).order_by(outbox.c.id)).scalars().all()
    return [payload for payload in map(json.loads, rows) if payload["op"] == "append"]


def bodies(store: Store, case_crm_id: str) -> list[str]:
    return [m["body"] for p in appends(store) if p["case_id"] == case_crm_id for m in p["messages"]]


async def settled(history: CrmHistory) -> None:
    await asyncio.wait_for(history.idle.wait(), 10)


def run(store: Store, scenario: Callable[[World, CrmHistory], Awaitable[None]]) -> None:
    world = make_world(store)

    async def main() -> None:
        history = CrmHistory(store, world.bus, lambda: world.push, coalesce_s=0.05, link_check_s=0.2)
        history.start()
        try:
            await scenario(world, history)
        finally:
            await history.stop()

    asyncio.run(main())


def test_a_message_in_a_linked_conversation_queues_one_append_with_that_message(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.conversation, world.case)
        await settled(history)
        assert appends(store) == []
        add(world, world.conversation, "Bom dia, o pedido chegou?")
        await settled(history)
        [payload] = appends(store)
        assert payload["case_id"] == world.case_crm_id
        [item] = payload["messages"]
        assert (item["body"], item["direction"], item["channel"], item["sender"]) == (
            "Bom dia, o pedido chegou?",
            "in",
            "whatsapp",
            "Maria",
        )
        assert item["sent_at"].endswith("Z") and item["external_id"]
        add(world, world.conversation, "Chegou sim, obrigado", outgoing=True)
        await settled(history)
        assert [m["direction"] for p in appends(store) for m in p["messages"]] == ["in", "out"]

    run(store, scenario)


def test_a_conversation_not_linked_to_a_case_sends_nothing(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        add(world, world.conversation, "oi")
        await settled(history)
        assert appends(store) == []

    run(store, scenario)


def test_a_burst_of_500_messages_gives_few_batches_each_within_the_limit(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.conversation, world.case)
        await settled(history)
        for n in range(500):
            add(world, world.conversation, f"mensagem {n:03d}")
        await settled(history)
        batches = appends(store)
        assert len(batches) == 500 // HISTORY_BATCH
        assert all(len(p["messages"]) <= HISTORY_BATCH for p in batches)
        assert sorted(bodies(store, world.case_crm_id)) == [f"mensagem {n:03d}" for n in range(500)]
        assert history.batches == len(batches)

    run(store, scenario)


def test_a_conversation_moved_to_a_case_pushes_its_earlier_messages_once(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        for body in ("primeira", "segunda", "terceira"):
            add(world, world.conversation, body)
        await settled(history)
        assert appends(store) == []
        link(world, world.conversation, world.case, "manual")  # linking publishes nothing: the periodic check
        history.check_links()
        await settled(history)
        assert sorted(bodies(store, world.case_crm_id)) == ["primeira", "segunda", "terceira"]
        add(world, world.conversation, "quarta")
        history.check_links()
        await settled(history)
        assert sorted(bodies(store, world.case_crm_id)) == ["primeira", "quarta", "segunda", "terceira"]

        # "Mover esta conversa para cá": the other case gets the whole conversation, the first nothing more
        world.store.write_now(
            lambda conn: crm_records.move_conversation_to_case(conn, world.conversation, world.other_case, now=NOW)
        )
        history.check_links()
        await settled(history)
        assert sorted(bodies(store, world.other_case_crm_id)) == ["primeira", "quarta", "segunda", "terceira"]
        assert len(bodies(store, world.case_crm_id)) == 4
        add(world, world.conversation, "quinta")
        await settled(history)
        assert "quinta" in bodies(store, world.other_case_crm_id)
        assert "quinta" not in bodies(store, world.case_crm_id)

    run(store, scenario)


def test_the_periodic_check_finds_a_new_link_without_being_told(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        add(world, world.conversation, "antes do vínculo")
        await settled(history)
        link(world, world.conversation, world.case, "subject")

        async def until_pushed() -> None:
            while not bodies(store, world.case_crm_id):
                history.idle.clear()  # wait for a round the periodic check itself starts
                await history.idle.wait()

        await asyncio.wait_for(until_pushed(), 10)
        assert bodies(store, world.case_crm_id) == ["antes do vínculo"]

    run(store, scenario)


def test_a_restart_finds_messages_that_were_never_queued(store: Store) -> None:
    world = make_world(store)
    link(world, world.conversation, world.case)
    # stored while no CRM history ran (or before the crash that lost its round): no event reaches anyone
    for body in ("um", "dois"):
        add(world, world.conversation, body, publish=False)

    async def main() -> None:
        history = CrmHistory(store, world.bus, lambda: world.push, coalesce_s=0.05, link_check_s=0.2)
        history.start()
        try:
            await settled(history)
            assert sorted(bodies(store, world.case_crm_id)) == ["dois", "um"]
        finally:
            await history.stop()
        again = CrmHistory(store, world.bus, lambda: world.push, coalesce_s=0.05, link_check_s=0.2)
        again.start()  # a second start queues nothing again
        try:
            await settled(again)
            assert len(appends(store)) == 1
        finally:
            await again.stop()

    asyncio.run(main())


def test_nothing_is_queued_before_the_crm_account_exists_and_everything_after(store: Store) -> None:
    world = make_world(store)
    link(world, world.conversation, world.case)
    ready: list[CrmPush] = []

    async def main() -> None:
        history = CrmHistory(store, world.bus, lambda: ready[0] if ready else None, coalesce_s=0.05, link_check_s=0.2)
        history.start()
        try:
            add(world, world.conversation, "sem CRM ainda")
            await settled(history)
            assert appends(store) == []
            ready.append(world.push)
            history.search_everything()
            await settled(history)
            assert bodies(store, world.case_crm_id) == ["sem CRM ainda"]
        finally:
            await history.stop()

    asyncio.run(main())


def test_an_outgoing_message_goes_once_its_channel_accepted_it(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.conversation, world.case)
        message_id = add(world, world.conversation, "enviando", outgoing=True, delivery=DeliveryState.QUEUED)
        await settled(history)
        assert appends(store) == []
        store.write_now(lambda conn: messages.advance_delivery(conn, message_id, DeliveryState.SENT))
        world.bus.publish(MessageUpdated(world.conversation, message_id))
        await settled(history)
        assert bodies(store, world.case_crm_id) == ["enviando"]
        store.write_now(lambda conn: messages.advance_delivery(conn, message_id, DeliveryState.READ))
        world.bus.publish(MessageUpdated(world.conversation, message_id))
        await settled(history)
        assert len(appends(store)) == 1

    run(store, scenario)


def test_a_mail_goes_as_plain_text_with_its_subject_and_attachments_by_name_never_its_html(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.mail_conversation, world.case, "subject")
        await settled(history)
        message_id = add(
            world,
            world.mail_conversation,
            "Segue a nota fiscal.",
            publish=False,
            kind="email",
            subject="[Caso #123] Nota fiscal",
            attachments=(Attachment("nota.pdf", "application/pdf", 48_213),),
        )
        hostile = '<img src=x onerror="alert(1)"><script>steal()</script><p>Segue a nota fiscal.</p>'
        store.write_now(
            lambda conn: conn.execute(
                text("UPDATE messages SET html = :h WHERE id = :i"), {"h": hostile, "i": message_id}
            )
        )
        world.bus.publish(MessageStored(world.mail_conversation, message_id, False))
        await settled(history)
        [body] = bodies(store, world.case_crm_id)
        attachment = "[Anexo: nota.pdf (application/pdf, 48.2 KB)]"
        assert body == f"Assunto: [Caso #123] Nota fiscal\n\nSegue a nota fiscal.\n\n{attachment}"
        [payload] = appends(store)
        assert payload["messages"][0]["channel"] == "email"

    run(store, scenario)


def test_a_very_long_text_is_cut_to_the_contracts_limit(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.conversation, world.case)
        await settled(history)
        add(world, world.conversation, "á" * 200_000)
        await settled(history)
        [body] = bodies(store, world.case_crm_id)
        assert len(body) <= 65_536 and body.startswith("ááá")

    run(store, scenario)


def test_a_case_known_only_by_a_number_is_not_addressed(store: Store) -> None:
    """The contract names cases by UUID: a local case numbered "4712" (the demo's own) gets no history to park."""

    async def scenario(world: World, history: CrmHistory) -> None:
        numbered = store.write_now(
            lambda conn: crm_records.save_case(conn, world_contact(conn, world), None, now=NOW, crm_id="4712")
        )
        link(world, world.conversation, numbered)
        add(world, world.conversation, "oi")
        history.check_links()
        await settled(history)
        assert appends(store) == []

    run(store, scenario)


def world_contact(conn: Any, world: World) -> int:
    row = conversations.get(conn, world.conversation)
    assert row is not None
    return row.contact_id


def test_long_messages_are_split_so_no_batch_body_passes_a_megabyte(store: Store) -> None:
    async def scenario(world: World, history: CrmHistory) -> None:
        link(world, world.conversation, world.case)
        await settled(history)
        for n in range(40):
            add(world, world.conversation, f"{n:02d}" + "x" * 60_000)
        await settled(history)
        batches = appends(store)
        assert len(batches) > 1
        assert all(sum(len(m["body"]) for m in p["messages"]) <= 1_000_000 for p in batches)
        assert sum(len(p["messages"]) for p in batches) == 40

    run(store, scenario)


class _FailingOnce(CrmPush):
    def __init__(self, store: Store, account_id: int) -> None:
        super().__init__(store, account_id)
        self.failed = False

    def enqueue_history(self, conn: Any, case_crm_id: str, batch: Any, *, now: int) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("disk full")
        super().enqueue_history(conn, case_crm_id, batch, now=now)


@pytest.mark.allow_error_logs  # the failed round is logged at ERROR, as it must be
def test_a_round_that_failed_loses_nothing_the_next_round_queues_it(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world(store)
    link(world, world.conversation, world.case)
    failing = _FailingOnce(store, world.push.account_id)

    async def main() -> None:
        history = CrmHistory(store, world.bus, lambda: failing, coalesce_s=0.05, link_check_s=0.2)
        history.start()
        try:
            add(world, world.conversation, "não se perde")

            async def until_pushed() -> None:
                while not bodies(store, world.case_crm_id):
                    history.idle.clear()
                    await history.idle.wait()

            await asyncio.wait_for(until_pushed(), 10)
            assert failing.failed and bodies(store, world.case_crm_id) == ["não se perde"]
        finally:
            await history.stop()

    asyncio.run(main())
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    assert errors == ["the CRM history could not be queued (RuntimeError); searched again next round"]
