"""The info pane's CRM actions end on the reference CRM over real HTTP, through the outbox and the drainer: a lead
created from a conversation is one contact on the server, and its edits, case and note arrive in order."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_desk import START_MS, Desk
from crm_stack import RunningServer, crm_server

from deskchat.core.messages import Identity
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_desk import CrmDesk
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.database import Store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-desk-http"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


def _conversation(store: Store) -> int:
    def write(conn: Any) -> int:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=START_MS)
        identities = [Identity("phone", "+5511955554444"), Identity("email", "joana@example.com")]
        contact = contacts.find_or_create_contact(conn, identities, "Joana Lima", now=START_MS)
        return conversations.find_or_create_conversation(conn, account, "joana", contact, "Joana Lima", now=START_MS)

    return store.write_now(write)


def test_lead_edits_case_and_note_reach_the_crm_once_each(store: Store, server: RunningServer) -> None:
    conversation_id = _conversation(store)

    async def main() -> None:
        desk = Desk(store, server.url)
        try:
            await desk.sign_in()
            await desk.pull.pull_once()  # the queues and attendants the pane offers
            actions = CrmDesk(store, desk.push, me=lambda: desk.client.attendant_id, clock=desk.clock)
            await desk.faults({"kind": "lost_response", "method": "POST", "path": "/contacts"})
            lead_id = await actions.create_lead(conversation_id)
            with store.read() as conn:
                client = crm_records.client_by_crm_id(conn, lead_id)
            assert client is not None
            await actions.edit_client(client.id, "credit_limit", "25.000,00")
            await actions.edit_client(client.id, "cnpj", "11.222.333/0001-81")
            await actions.edit_client(client.id, "sales_stage", "qualificado")
            case_id = await actions.create_case(conversation_id, "Proposta de volume", seed_id("financeiro"))
            await actions.accept_case(case_id)
            await actions.set_priority(case_id, "alta")
            note_id = await actions.add_note(case_id, "Pediu proposta para 500 unidades")
            await desk.drain_until_settled()

            assert [row["state"] for row in desk.rows()] == ["done"] * 8
            ledger = await desk.ledger()
            assert ledger["contacts"].count(lead_id) == 1
            held = await desk.client.get("contacts", lead_id)
            assert held is not None
            assert held.body["credit_limit_cents"] == 2_500_000
            assert held.body["cnpj"] == "11222333000181"
            assert (held.body["sales_stage"], held.body["source"]) == ("qualificado", "whatsapp")
            assert held.body["phones"] == ["+5511955554444"] and held.body["emails"] == ["joana@example.com"]
            with store.read() as conn:
                case = crm_records.case_by_id(conn, case_id)
            assert case is not None and case.crm_id is not None
            held_case = await desk.client.get("cases", case.crm_id)
            assert held_case is not None
            assert (held_case.body["status"], held_case.body["priority"]) == ("em_atendimento", "alta")
            assert held_case.body["assignee_id"] == desk.client.attendant_id
            held_note = await desk.client.get("notes", note_id)
            assert held_note is not None and held_note.body["case_id"] == case.crm_id
        finally:
            await desk.admin.delete("/admin/faults")
            await desk.close()

    asyncio.run(main())
