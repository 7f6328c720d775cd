"""The history of a conversation linked to a CRM case reaches the reference server over real HTTP: each message exactly
once, also when the answer to the batch was lost and when DeskChat queues a message a second time."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from crm_desk import START_MS, Desk
from crm_stack import RunningServer, crm_server
from sqlalchemy import Connection, text

from deskchat.core.bus import EventBus
from deskchat.core.events import DeliveryState, MessageStored
from deskchat.core.messages import Identity, IdentityKind
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_history import CrmHistory
from deskchat.store import accounts, contacts, conversations, crm_records, messages
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage

_channel_ids = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-history"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


def conversation_with_messages(store: Store, phone: str, count: int) -> tuple[int, list[str]]:
    """A WhatsApp conversation holding ``count`` messages, in and out; returns it and the texts."""
    texts = [f"mensagem {n} de {phone}" for n in range(count)]

    def write(conn: Connection) -> int:
        account = accounts.create_account(conn, "whatsapp", "WhatsApp", now=START_MS)
        person = contacts.find_or_create_contact(conn, [Identity(IdentityKind.PHONE, phone)], now=START_MS)
        chat = conversations.find_or_create_conversation(conn, account, phone[1:], person, "Cliente", now=START_MS)
        for n, body in enumerate(texts):
            outgoing = n % 3 == 2
            new = NewMessage(
                conversation_id=chat,
                account_id=account,
                channel_id=f"wamid-{next(_channel_ids)}",
                outgoing=outgoing,
                text=body,
                sent_at=START_MS + n,
                delivery=DeliveryState.DELIVERED if outgoing else DeliveryState.RECEIVED,
                sender_name="Ana" if outgoing else "Cliente",
            )
            messages.add_message(conn, new, now=START_MS)
        return chat

    return store.write_now(write), texts


Scenario = Callable[[Desk, CrmHistory, EventBus], Awaitable[None]]


def run_history(store: Store, server: RunningServer, scenario: Scenario) -> None:
    async def main() -> None:
        desk = Desk(store, server.url)
        bus = EventBus()
        history = CrmHistory(store, bus, lambda: desk.push, coalesce_s=0.05, link_check_s=0.2)
        try:
            await desk.admin.delete("/admin/faults")
            await desk.sign_in()
            await desk.pull.pull_once()
            history.start()
            await scenario(desk, history, bus)
        finally:
            await history.stop()
            await desk.admin.delete("/admin/faults")
            await desk.close()

    asyncio.run(main())


async def server_bodies(desk: Desk, case_crm_id: str) -> list[str]:
    page = await desk.client.page(f"cases/{case_crm_id}/messages", limit=500)
    return [str(item["body"]) for item in page.items]


def link_to_seed_case(store: Store, conversation: int, seed_name: str) -> str:
    case_crm_id = seed_id(seed_name)
    with store.read() as conn:
        case = crm_records.case_by_crm_id(conn, case_crm_id)
    assert case is not None, "the pull brought the seed case"
    store.write_now(lambda conn: crm_records.move_conversation_to_case(conn, conversation, case.id, now=START_MS))
    return case_crm_id


def test_a_linked_conversation_reaches_the_case_history_once_and_so_does_each_new_message(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk, history: CrmHistory, bus: EventBus) -> None:
        chat, texts = conversation_with_messages(store, "+5511987650001", 250)
        case_crm_id = link_to_seed_case(store, chat, "caso-padaria")
        before = await server_bodies(desk, case_crm_id)
        history.check_links()
        await asyncio.wait_for(history.idle.wait(), 10)
        await desk.drain_until_settled()
        assert sorted(set(await server_bodies(desk, case_crm_id)) - set(before)) == sorted(texts)

        # a new message in the linked conversation follows, once
        later = "chegou agora"
        with store.read() as conn:
            row = conversations.get(conn, chat)
        assert row is not None
        new = NewMessage(chat, row.account_id, "wamid-later", False, later, START_MS + 999, DeliveryState.RECEIVED)
        message_id = store.write_now(lambda conn: messages.add_message(conn, new, now=START_MS))
        assert message_id is not None
        bus.publish(MessageStored(chat, message_id, False))
        await asyncio.wait_for(history.idle.wait(), 10)
        await desk.drain_until_settled()
        held = await server_bodies(desk, case_crm_id)
        assert held.count(later) == 1
        assert all(held.count(body) == 1 for body in texts)
        assert all(row["state"] == "done" for row in desk.rows())

    run_history(store, server, scenario)


def test_a_lost_answer_and_a_second_queueing_leave_each_message_once_on_the_server(
    store: Store, server: RunningServer
) -> None:
    async def scenario(desk: Desk, history: CrmHistory, bus: EventBus) -> None:
        chat, texts = conversation_with_messages(store, "+5511987650002", 120)
        case_crm_id = link_to_seed_case(store, chat, "caso-oficina")
        before = await server_bodies(desk, case_crm_id)
        await desk.faults({"kind": "lost_response", "method": "POST"})
        history.check_links()
        await asyncio.wait_for(history.idle.wait(), 10)
        await desk.drain_until_settled()
        held = await server_bodies(desk, case_crm_id)
        assert sorted(set(held) - set(before)) == sorted(texts)
        assert all(held.count(body) == 1 for body in texts)
        assert any(row["attempts"] > 1 for row in desk.rows()), "the first answer was lost and the batch sent again"

        # DeskChat forgets what it queued (say, a store restored from an older copy): everything is queued again,
        # and the server, which knows each message's id, keeps one of each
        store.write_now(lambda conn: conn.execute(text("DELETE FROM crm_history_pushed")))
        history.search_everything()
        await asyncio.wait_for(history.idle.wait(), 10)
        await desk.drain_until_settled()
        held = await server_bodies(desk, case_crm_id)
        assert all(held.count(body) == 1 for body in texts)
        assert all(row["state"] == "done" for row in desk.rows())
        assert sum(1 for row in desk.rows() if '"op": "append"' in row["payload_json"]) >= 4

    run_history(store, server, scenario)
