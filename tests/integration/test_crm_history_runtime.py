"""The running app pushes the history of a conversation linked to a CRM case to the reference server by itself: the
messages stored before the link once the attendant links it, and each later message as it arrives."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from crm_runtime_app import CrmApp
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server

from deskchat.core.messages import Identity, InboundMessage
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_accounts import Verdict
from deskchat.store import accounts, conversations, crm_records
from deskchat.store.database import Store

NUMBER = "5511955554444"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-history-runtime"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
        yield running


def _message(account_id: int, channel_id: str, text: str, at: int) -> InboundMessage:
    return InboundMessage(
        account_id=account_id,
        chat_key=f"{NUMBER}@s.whatsapp.net",
        chat_title="Padaria",
        identities=[Identity("wa_pn", NUMBER)],
        channel_id=channel_id,
        text=text,
        sent_at=at,
        sender_name="Padaria",
        is_group=False,
    )


def test_the_app_pushes_a_linked_conversations_history_once_and_its_new_messages(
    store: Store, server: RunningServer, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = CrmApp(store, tmp_path / "wa")
        try:
            assert app.runtime.crm is not None
            assert await app.runtime.crm.connect(server.url, SEED_USER, SEED_PASSWORD) is Verdict.OK
            await app.until(lambda: app.state()[0] == "online")
            case_crm_id = seed_id("caso-padaria")
            await app.until(lambda: _local_case(store, case_crm_id) is not None)
            before = await _held(app, case_crm_id)
            wa = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Vendas", now=1))
            earlier = ["Bom dia", "Preciso de 200 pães para amanhã"]
            for n, text in enumerate(earlier):
                await app.runtime.ingest.ingest([_message(wa, f"h{n}", text, 1_763_800_000_000 + n)])
            with store.read() as conn:
                conversation = conversations.by_channel_key(conn, wa, f"{NUMBER}@s.whatsapp.net")
            assert conversation is not None
            case = _local_case(store, case_crm_id)
            assert case is not None
            # "Mover esta conversa para cá" in the info pane (CrmDesk.move_conversation writes just this)
            store.write_now(lambda conn: crm_records.move_conversation_to_case(conn, conversation, case, now=2))
            # (the phone may already have linked the conversation to this case: its messages then went as they came)
            await app.until(lambda: _all_sent(app, store, case, 2), what="the earlier messages queued and sent")
            await app.runtime.ingest.ingest([_message(wa, "h9", "Pode entregar às 7h?", 1_763_800_009_000)])
            await app.until(lambda: _all_sent(app, store, case, 3), what="the new message queued and sent")
            held = await _held(app, case_crm_id)
            added = [body for body in held if body not in before]
            assert sorted(added) == sorted([*earlier, "Pode entregar às 7h?"])
        finally:
            await app.close()

    asyncio.run(scenario())


def _local_case(store: Store, crm_id: str) -> int | None:
    with store.read() as conn:
        case = crm_records.case_by_crm_id(conn, crm_id)
    return None if case is None else case.id


def _all_sent(app: CrmApp, store: Store, case_id: int, messages: int) -> bool:
    """``messages`` of the conversation queued for the case, and every history append delivered."""
    with store.read() as conn:
        queued = conn.exec_driver_sql("SELECT count(*) FROM crm_history_pushed WHERE case_id = ?", (case_id,)).scalar()
    appends = [row for row in app.crm_rows() if '"op": "append"' in row["payload_json"]]
    return queued == messages and bool(appends) and all(row["state"] == "done" for row in appends)


async def _held(app: CrmApp, case_crm_id: str) -> list[str]:
    page = await app.crm.client.page(f"cases/{case_crm_id}/messages", limit=500)
    return [str(item["body"]) for item in page.items]
