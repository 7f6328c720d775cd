"""The attendant's CRM actions: each changes the local record at once and queues exactly one CRM write."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from deskchat.core.messages import Identity
from deskchat.services.crm_desk import CrmDesk, InvalidValue, cnpj_digits, parse_money
from deskchat.services.crm_push import CrmPush
from deskchat.store import accounts, contacts, conversations, crm_records
from deskchat.store.crm_records import CrmSyncState
from deskchat.store.database import Store
from deskchat.store.schema import outbox

NOW = 1_763_800_000_000
QUEUE_ID, OTHER_QUEUE_ID = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
ANA_ID = "33333333-3333-4333-8333-333333333333"


@dataclass
class Desk:
    store: Store
    desk: CrmDesk
    conversation_id: int
    contact_id: int

    def queued(self) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            rows = conn.execute(select(outbox.c.kind, outbox.c.payload_json).order_by(outbox.c.id)).all()
        assert all(row.kind == "crm_call" for row in rows)
        return [json.loads(row.payload_json) for row in rows]

    def run(self, work: Any) -> Any:
        return asyncio.run(work)


def _conversation(conn: Any, account_id: int, name: str, phone: str, key: str) -> tuple[int, int]:
    contact_id = contacts.find_or_create_contact(conn, [Identity("phone", phone)], name, now=NOW)
    return conversations.find_or_create_conversation(conn, account_id, key, contact_id, name, now=NOW), contact_id


@pytest.fixture
def desk(store: Store) -> Desk:
    def build(conn: Any) -> tuple[int, int, int]:
        wa = accounts.create_account(conn, "whatsapp", "Comercial", now=NOW)
        crm = accounts.create_account(conn, "crm", "CRM", now=NOW)
        directory = CrmSyncState({}, {QUEUE_ID: "Financeiro", OTHER_QUEUE_ID: "Suporte"}, {ANA_ID: "Ana"})
        crm_records.save_crm_sync_state(conn, crm, directory, now=NOW)
        conversation_id, contact_id = _conversation(conn, wa, "Maria Souza", "+5511987654321", "maria@s.whatsapp.net")
        return crm, conversation_id, contact_id

    crm, conversation_id, contact_id = store.write_now(build)
    push = CrmPush(store, crm, clock=lambda: NOW)
    return Desk(store, CrmDesk(store, push, me=lambda: ANA_ID, clock=lambda: NOW), conversation_id, contact_id)


def _client(desk: Desk) -> crm_records.ClientRecord:
    with desk.store.read() as conn:
        client = crm_records.client_of_contact(conn, desk.contact_id)
    assert client is not None
    return client


def test_create_lead_makes_the_local_record_and_queues_one_create(desk: Desk) -> None:
    crm_id = desk.run(desk.desk.create_lead(desk.conversation_id))

    client = _client(desk)
    assert (client.crm_id, client.name) == (crm_id, "Maria Souza")
    [call] = desk.queued()
    assert (call["op"], call["collection"], call["id"]) == ("create", "contacts", crm_id)
    assert call["body"]["phones"] == ["+5511987654321"] and call["body"]["source"] == "whatsapp"
    with desk.store.read() as conn:
        assert crm_records.client_link_reason(conn, client.id) == "lead"
    with pytest.raises(InvalidValue):
        desk.run(desk.desk.create_lead(desk.conversation_id))  # one person, one lead
    assert len(desk.queued()) == 1


def test_client_edits_change_the_record_at_once_and_queue_a_patch(desk: Desk) -> None:
    crm_id = desk.run(desk.desk.create_lead(desk.conversation_id))
    client_id = _client(desk).id
    desk.run(desk.desk.edit_client(client_id, "credit_limit", "R$ 12.345,67"))
    desk.run(desk.desk.edit_client(client_id, "cnpj", "11.222.333/0001-81"))
    desk.run(desk.desk.edit_client(client_id, "sales_stage", "proposta"))
    desk.run(desk.desk.edit_client(client_id, "responsible", ANA_ID))

    client = _client(desk)
    assert client.credit_limit_cents == 1_234_567
    assert client.cnpj == "11.222.333/0001-81"
    assert (client.sales_stage, client.responsible) == ("proposta", "Ana")
    patches = [call["patch"] for call in desk.queued()[1:]]
    assert patches == [
        {"credit_limit_cents": 1_234_567},
        {"cnpj": "11222333000181"},
        {"sales_stage": "proposta"},
        {"responsible_id": ANA_ID},
    ]
    assert all(call["records"] == [f"contacts:{crm_id}"] for call in desk.queued())


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("cnpj", "11.222.333/0001-82"),
        ("cnpj", "11111111111111"),
        ("credit_limit", "doze reais"),
        ("credit_limit", "-5"),
        ("name", "   "),
        ("name", "x" * 201),
        ("sales_stage", "<b>ganho</b>"),
        ("responsible", "someone-unknown"),
        ("debt", "0"),
    ],
)
def test_values_the_crm_would_refuse_change_nothing(desk: Desk, field: str, text: str) -> None:
    desk.run(desk.desk.create_lead(desk.conversation_id))
    before = _client(desk)
    with pytest.raises(InvalidValue):
        desk.run(desk.desk.edit_client(before.id, field, text))
    assert _client(desk) == before
    assert len(desk.queued()) == 1


def test_cnpj_and_money_parsing() -> None:
    assert cnpj_digits("11222333000181") == "11222333000181"
    assert cnpj_digits("11.222.333/0001-81") == "11222333000181"
    assert cnpj_digits("11.222.333/0001-8\u200f1") is None
    assert parse_money("1.000") == 100_000
    assert parse_money("1000.5") == 100_050
    assert parse_money("12,3") == 1_230
    assert parse_money("1e9") is None


def test_link_to_an_existing_client_says_manual_and_search_finds_it(desk: Desk) -> None:
    def other_client(conn: Any) -> int:
        pulled = {"id": "c-1", "name": "Padaria Pão Quente", "cnpj": "11.222.333/0001-81"}
        crm_records.apply_pulled_contacts(conn, [pulled], {}, now=NOW)
        found = crm_records.client_by_crm_id(conn, "c-1")
        assert found is not None
        return found.id

    client_id = desk.store.write_now(other_client)
    assert [m.client.id for m in desk.desk.search_local_clients("pão quente")] == [client_id]
    assert [m.client.id for m in desk.desk.search_local_clients("11222333")] == [client_id]
    assert desk.desk.search_local_clients("100%") == []

    desk.run(desk.desk.link_to_client(desk.conversation_id, client_id))
    assert _client(desk).id == client_id
    with desk.store.read() as conn:
        assert crm_records.client_link_reason(conn, client_id) == "manual"
    assert [m.client.id for m in desk.desk.search_local_clients("98765")] == [client_id]  # by the contact's phone now
    assert desk.queued() == []  # nothing changed on the CRM side


def test_cases_accept_transfer_prioritise_close_reopen_note_and_move(desk: Desk) -> None:
    desk.run(desk.desk.create_lead(desk.conversation_id))
    case_id = desk.run(desk.desk.create_case(desk.conversation_id, "Boleto vencido", QUEUE_ID))
    second = desk.run(desk.desk.create_case(desk.conversation_id, "Segunda via", QUEUE_ID))
    with desk.store.read() as conn:
        links = crm_records.case_links_of_conversation(conn, desk.conversation_id)
    assert {(link.case.id, link.case.queue, link.linked_by) for link in links} == {
        (case_id, "Financeiro", "manual"),
        (second, "Financeiro", "manual"),
    }

    desk.run(desk.desk.accept_case(case_id))
    desk.run(desk.desk.transfer_case(case_id, OTHER_QUEUE_ID))
    desk.run(desk.desk.set_priority(case_id, "urgente"))
    desk.run(desk.desk.assign_case(case_id, ANA_ID))
    desk.run(desk.desk.close_case(case_id))
    with desk.store.read() as conn:
        case = crm_records.case_by_id(conn, case_id)
    assert case is not None
    assert (case.status, case.queue, case.priority, case.assignee) == ("encerrado", "Suporte", "urgente", "Ana")
    desk.run(desk.desk.reopen_case(case_id))
    note_id = desk.run(desk.desk.add_note(case_id, "Cliente pediu prazo"))

    calls = desk.queued()
    assert [call["collection"] for call in calls] == ["contacts", "cases", "cases", *["cases"] * 6, "notes"]
    assert calls[3]["patch"] == {"status": "em_atendimento", "assignee_id": ANA_ID}
    assert calls[4]["patch"] == {"queue_id": OTHER_QUEUE_ID, "assignee_id": None}
    assert calls[-1]["id"] == note_id and calls[-1]["body"]["case_id"] == case.crm_id

    desk.run(desk.desk.move_conversation(desk.conversation_id, second))
    with desk.store.read() as conn:
        links = crm_records.case_links_of_conversation(conn, desk.conversation_id)
    assert [(link.case.id, link.linked_by) for link in links] == [(second, "manual")]


def test_case_values_outside_the_contract_are_refused(desk: Desk) -> None:
    desk.run(desk.desk.create_lead(desk.conversation_id))
    case_id = desk.run(desk.desk.create_case(desk.conversation_id, "Assunto", QUEUE_ID))
    for action in (
        desk.desk.set_priority(case_id, "altíssima"),
        desk.desk.transfer_case(case_id, "no-such-queue"),
        desk.desk.add_note(case_id, "   "),
        desk.desk.create_case(desk.conversation_id, "", QUEUE_ID),
    ):
        with pytest.raises(InvalidValue):
            desk.run(action)
    assert len(desk.queued()) == 2


def test_the_demo_profile_edits_locally_and_queues(store: Store) -> None:
    from deskchat.demo.generator import populate_demo
    from deskchat.services.crm_desk import local_crm_desk

    populate_demo(store, now_ms=NOW)
    demo_desk = local_crm_desk(store)
    assert demo_desk is not None
    assert {"Vendas", "Suporte", "Financeiro"} <= set(demo_desk.directory().queues.values())
    with store.read() as conn:
        client_id = int(conn.exec_driver_sql("SELECT id FROM crm_clients ORDER BY id LIMIT 1").scalar_one())
    with store.read() as conn:
        before = {row.id for row in conn.execute(select(outbox.c.id))}  # the demo's own journal items
    asyncio.run(demo_desk.edit_client(client_id, "credit_limit", "1.000,00"))
    with store.read() as conn:
        client = crm_records.client_by_id(conn, client_id)
        queued = [
            row for row in conn.execute(select(outbox.c.id, outbox.c.kind, outbox.c.state)) if row.id not in before
        ]
    assert client is not None and client.credit_limit_cents == 100_000
    assert [(row.kind, row.state) for row in queued] == [("crm_call", "queued")]


def test_linking_to_a_client_another_contact_holds_joins_the_two_people(desk: Desk) -> None:
    def owned_client(conn: Any) -> tuple[int, int]:
        owner = contacts.find_or_create_contact(conn, [Identity("email", "compras@padaria.com.br")], "Padaria", now=NOW)
        return owner, crm_records.save_client(conn, owner, now=NOW, crm_id="c-2", name="Padaria")

    owner, client_id = desk.store.write_now(owned_client)
    desk.run(desk.desk.link_to_client(desk.conversation_id, client_id))

    with desk.store.read() as conn:
        row = conversations.get(conn, desk.conversation_id)
        assert row is not None and row.contact_id == owner  # one person now, undoable from the pane
        client = crm_records.client_of_contact(conn, owner)
        assert client is not None and client.id == client_id
        assert crm_records.client_link_reason(conn, client_id) == "manual"
    assert desk.queued() == []
