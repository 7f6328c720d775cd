"""Local copies of the CRM's client and case records, as the info panel shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select

from deskchat.store.rows import inserted_id
from deskchat.store.schema import conversation_cases, crm_cases, crm_clients


@dataclass(frozen=True)
class ClientRecord:
    id: int
    crm_id: str | None
    name: str
    cnpj: str
    company_type: str
    credit_limit_cents: int
    debt_cents: int
    sales_stage: str
    responsible: str


@dataclass(frozen=True)
class CaseRecord:
    id: int
    crm_id: str | None
    title: str
    status: str
    queue: str
    priority: str
    assignee: str
    opened_at: int


_CLIENT_COLUMNS = (
    crm_clients.c.id,
    crm_clients.c.crm_id,
    crm_clients.c.name,
    crm_clients.c.cnpj,
    crm_clients.c.company_type,
    crm_clients.c.credit_limit_cents,
    crm_clients.c.debt_cents,
    crm_clients.c.sales_stage,
    crm_clients.c.responsible,
)
_CASE_COLUMNS = (
    crm_cases.c.id,
    crm_cases.c.crm_id,
    crm_cases.c.title,
    crm_cases.c.status,
    crm_cases.c.queue,
    crm_cases.c.priority,
    crm_cases.c.assignee,
    crm_cases.c.opened_at,
)


def _case(raw: RowMapping) -> CaseRecord:
    return CaseRecord(**raw)


def save_client(conn: Connection, contact_id: int, *, now: int, **fields: Any) -> int:
    return inserted_id(conn.execute(insert(crm_clients).values(contact_id=contact_id, updated_at=now, **fields)))


def save_case(conn: Connection, contact_id: int, client_id: int | None, *, now: int, **fields: Any) -> int:
    fields.setdefault("opened_at", now)
    return inserted_id(
        conn.execute(insert(crm_cases).values(contact_id=contact_id, client_id=client_id, updated_at=now, **fields))
    )


def link_case(conn: Connection, conversation_id: int, case_id: int, linked_by: str, *, now: int) -> None:
    conn.execute(
        insert(conversation_cases)
        .prefix_with("OR IGNORE")
        .values(conversation_id=conversation_id, case_id=case_id, linked_by=linked_by, linked_at=now)
    )


def client_of_contact(conn: Connection, contact_id: int) -> ClientRecord | None:
    raw = conn.execute(select(*_CLIENT_COLUMNS).where(crm_clients.c.contact_id == contact_id)).mappings().first()
    return ClientRecord(**raw) if raw is not None else None


def cases_of_contact(conn: Connection, contact_id: int) -> list[CaseRecord]:
    rows = conn.execute(
        select(*_CASE_COLUMNS).where(crm_cases.c.contact_id == contact_id).order_by(crm_cases.c.opened_at.desc())
    )
    return [_case(raw) for raw in rows.mappings()]


def cases_of_conversation(conn: Connection, conversation_id: int) -> list[CaseRecord]:
    rows = conn.execute(
        select(*_CASE_COLUMNS)
        .join(conversation_cases, conversation_cases.c.case_id == crm_cases.c.id)
        .where(conversation_cases.c.conversation_id == conversation_id)
        .order_by(crm_cases.c.opened_at.desc())
    )
    return [_case(raw) for raw in rows.mappings()]
