"""A pull never undoes what the attendant changed before the CRM has it: a pulled record keeps the fields of pending
updates (and the version they were made on), other fields follow the CRM, and once the write is confirmed the next
pull shows the CRM's truth. A page that changed what a screen shows is announced on the bus."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from sqlalchemy import select, update

from deskchat.core.events import CrmRecordsPulled, Event
from deskchat.core.messages import Identity
from deskchat.crm.client import CrmClient, Page
from deskchat.services.crm_desk import CrmDesk
from deskchat.services.crm_pull import CrmPull
from deskchat.services.crm_push import CrmPush
from deskchat.store import accounts, contacts, conversations, crm_queue, crm_records, outbox
from deskchat.store.crm_records import CaseRecord, ClientRecord, CrmSyncState
from deskchat.store.database import Store
from deskchat.store.schema import outbox as outbox_table

NOW = 1_763_800_000_000
QUEUE_ID, OTHER_QUEUE_ID = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
ANA_ID = "33333333-3333-4333-8333-333333333333"
CLIENT_CRM_ID = "44444444-4444-4444-8444-444444444444"
CASE_CRM_ID = "55555555-5555-4555-8555-555555555555"


@dataclass
class FakeCrm:
    """The CRM as a pull sees it: each collection's changes, served once (``updated_since`` semantics)."""

    waiting: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attendant_id: str | None = ANA_ID

    async def page(self, collection: str, cursor: str, limit: int, filters: Any = None) -> Page:
        items = [] if filters else self.waiting.pop(collection, [])
        return Page(items, cursor or "c", False)

    async def get(self, collection: str, record_id: str) -> None:
        return None


def _contact(version: int, **fields: Any) -> dict[str, Any]:
    base = {"id": CLIENT_CRM_ID, "name": "Padaria Pão Quente", "credit_limit_cents": 100_000, "debt_cents": 0}
    return {**base, "sales_stage": "novo", "row_version": version, **fields}


def _case(version: int, **fields: Any) -> dict[str, Any]:
    base = {"id": CASE_CRM_ID, "contact_id": CLIENT_CRM_ID, "subject": "Boleto", "status": "pendente"}
    return {**base, "queue_id": QUEUE_ID, "priority": "normal", "row_version": version, **fields}


@dataclass
class Desk:
    store: Store
    desk: CrmDesk
    crm: FakeCrm
    pull: CrmPull
    contact_id: int
    events: list[Event]

    def pull_with(self, **waiting: list[dict[str, Any]]) -> None:
        self.crm.waiting.update(waiting)
        asyncio.run(self.pull.pull_once())

    def client(self) -> ClientRecord:
        with self.store.read() as conn:
            found = crm_records.client_by_crm_id(conn, CLIENT_CRM_ID)
        assert found is not None
        return found

    def case(self) -> CaseRecord:
        with self.store.read() as conn:
            found = crm_records.case_by_crm_id(conn, CASE_CRM_ID)
        assert found is not None
        return found

    def etag(self, collection: str, crm_id: str) -> str:
        with self.store.read() as conn:
            return crm_records.etag_of_record(conn, collection, crm_id)

    def confirm_all(self) -> None:
        """The CRM confirmed every queued write (what the handler's settle_done does to the row)."""
        with self.store.read() as conn:
            ids = list(conn.execute(select(outbox_table.c.id).where(outbox_table.c.state != "done")).scalars())
        for item_id in ids:
            self.store.write_now(lambda conn, item_id=item_id: outbox.finish(conn, item_id, NOW))


@pytest.fixture
def desk(store: Store) -> Desk:
    def build(conn: Any) -> tuple[int, int]:
        wa = accounts.create_account(conn, "whatsapp", "Comercial", now=NOW)
        crm = accounts.create_account(conn, "crm", "CRM", now=NOW)
        directory = CrmSyncState({}, {QUEUE_ID: "Financeiro", OTHER_QUEUE_ID: "Suporte"}, {ANA_ID: "Ana"})
        crm_records.save_crm_sync_state(conn, crm, directory, now=NOW)
        contact_id = contacts.find_or_create_contact(conn, [Identity("phone", "+5511987654321")], "Maria", now=NOW)
        conversations.find_or_create_conversation(conn, wa, "maria@s.whatsapp.net", contact_id, "Maria", now=NOW)
        return crm, contact_id

    crm_account, contact_id = store.write_now(build)
    crm = FakeCrm()
    events: list[Event] = []
    pull = CrmPull(store, cast(CrmClient, crm), crm_account, clock=lambda: NOW, publish=events.append)
    push = CrmPush(store, crm_account, clock=lambda: NOW)
    built = Desk(store, CrmDesk(store, push, me=lambda: ANA_ID, clock=lambda: NOW), crm, pull, contact_id, events)
    built.pull_with(contacts=[_contact(1)], cases=[_case(1)])
    client = built.client()
    store.write_now(lambda conn: crm_records.set_client_link(conn, client.id, contact_id, "manual", now=NOW))
    built.pull_with(cases=[_case(1)])  # the case now belongs to the linked contact
    events.clear()
    return built


def test_a_pulled_contact_keeps_the_attendants_pending_edit_and_takes_the_other_fields(desk: Desk) -> None:
    client = desk.client()
    asyncio.run(desk.desk.edit_client(client.id, "credit_limit", "25.000,00"))
    asyncio.run(desk.desk.edit_client(client.id, "sales_stage", "qualificado"))

    # the CRM has not seen the edits; someone else changed the debt meanwhile
    desk.pull_with(contacts=[_contact(2, debt_cents=5_000)])

    shown = desk.client()
    assert (shown.credit_limit_cents, shown.sales_stage) == (2_500_000, "qualificado")
    assert shown.debt_cents == 5_000
    assert desk.etag("contacts", CLIENT_CRM_ID) == '"1"'  # the version the edits were made on: a 412 tells the rest
    assert [type(e) for e in desk.events] == [CrmRecordsPulled]
    assert desk.contact_id in cast(CrmRecordsPulled, desk.events[0]).contact_ids

    desk.confirm_all()
    desk.pull_with(contacts=[_contact(3, credit_limit_cents=2_400_000, sales_stage="proposta", debt_cents=5_000)])
    shown = desk.client()
    assert (shown.credit_limit_cents, shown.sales_stage) == (2_400_000, "proposta")  # the CRM's truth
    assert desk.etag("contacts", CLIENT_CRM_ID) == '"3"'


@pytest.mark.parametrize("state", ["queued", "in_flight", "uncertain", "failed"])
def test_the_edit_holds_in_every_state_short_of_confirmed(desk: Desk, state: str) -> None:
    asyncio.run(desk.desk.edit_client(desk.client().id, "name", "Padaria Pão Quente Ltda"))
    desk.store.write_now(lambda conn: conn.execute(update(outbox_table).values(state=state, last_error="conflito: x")))

    desk.pull_with(contacts=[_contact(2)])

    assert desk.client().name == "Padaria Pão Quente Ltda"


def test_a_pulled_case_keeps_the_attendants_case_actions(desk: Desk) -> None:
    case_id = desk.case().id
    asyncio.run(desk.desk.accept_case(case_id))
    asyncio.run(desk.desk.set_priority(case_id, "alta"))
    asyncio.run(desk.desk.transfer_case(case_id, OTHER_QUEUE_ID))

    desk.pull_with(cases=[_case(2, subject="Boleto vencido")])

    shown = desk.case()
    assert (shown.status, shown.priority, shown.queue, shown.assignee) == ("em_atendimento", "alta", "Suporte", "")
    assert shown.title == "Boleto vencido"
    assert desk.etag("cases", CASE_CRM_ID) == '"1"'
    assert case_id in cast(CrmRecordsPulled, desk.events[-1]).case_ids

    desk.confirm_all()
    desk.pull_with(cases=[_case(5, status="em_atendimento", assignee_id=ANA_ID, priority="urgente")])
    shown = desk.case()
    crm_truth = ("em_atendimento", "urgente", "Financeiro", "Ana")
    assert (shown.status, shown.priority, shown.queue, shown.assignee) == crm_truth


def test_closing_and_reopening_hold_until_confirmed(desk: Desk) -> None:
    case_id = desk.case().id
    asyncio.run(desk.desk.close_case(case_id))
    desk.pull_with(cases=[_case(2)])
    assert desk.case().status == "encerrado"
    asyncio.run(desk.desk.reopen_case(case_id))
    desk.pull_with(cases=[_case(3)])
    assert desk.case().status == "em_atendimento"


def test_a_note_or_history_for_a_case_does_not_hold_its_fields(desk: Desk) -> None:
    asyncio.run(desk.desk.add_note(desk.case().id, "Ligou de novo"))
    desk.pull_with(cases=[_case(2, status="encerrado")])
    assert desk.case().status == "encerrado"
    assert desk.etag("cases", CASE_CRM_ID) == '"2"'


def test_a_merged_resend_holds_only_the_fields_still_to_send(desk: Desk) -> None:
    client = desk.client()
    asyncio.run(desk.desk.edit_client(client.id, "name", "Padaria Nova"))
    asyncio.run(desk.desk.edit_client(client.id, "credit_limit", "2.000,00"))
    with desk.store.read() as conn:
        first, second = conn.execute(select(outbox_table).order_by(outbox_table.c.id)).mappings().all()
    desk.store.write_now(lambda conn: outbox.finish(conn, first["id"], NOW))  # the name reached the CRM

    desk.pull_with(contacts=[_contact(2, name="Padaria Nova Ltda", credit_limit_cents=1)])

    shown = desk.client()
    assert (shown.name, shown.credit_limit_cents) == ("Padaria Nova Ltda", 200_000)
    with desk.store.read() as conn:
        assert crm_queue.record_sync_state(conn, f"contacts:{CLIENT_CRM_ID}", NOW).item_id == second["id"]


def test_a_page_that_changes_nothing_shown_is_not_announced(desk: Desk) -> None:
    desk.pull_with(contacts=[_contact(1)], cases=[_case(1)])
    assert desk.events == []
    desk.pull_with(contacts=[_contact(2, name="Outra")])
    assert len(desk.events) == 1
