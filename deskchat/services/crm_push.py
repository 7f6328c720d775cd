"""What the attendant changes for the CRM: each change is written locally and queued for the CRM in one transaction.

The outbox row carries the CRM record's client-generated id and its own ``Idempotency-Key``; the CRM handler
(:mod:`deskchat.services.outbox.crm_handler`) sends it. Nothing here talks to the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeVar

from sqlalchemy import Connection

from deskchat.store import crm_queue, crm_records, outbox
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxKind

T = TypeVar("T")

HISTORY_BATCH: Final = 100  # messages per CRM call (the contract allows up to 500)

Source = Literal["whatsapp", "email", "manual"]
Channel = Literal["whatsapp", "email", "telefone", "manual"]


@dataclass(frozen=True)
class NewLead:
    name: str
    source: Source
    phones: tuple[str, ...] = ()  # E.164
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewCase:
    contact_crm_id: str
    queue_id: str
    subject: str
    channel: Channel


@dataclass(frozen=True)
class CaseChange:
    """A change of a case's status, queue or assignee (a JSON merge patch of the case)."""

    patch: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def accept(cls, assignee_id: str) -> CaseChange:
        return cls({"status": "em_atendimento", "assignee_id": assignee_id})

    @classmethod
    def transfer(cls, queue_id: str, assignee_id: str | None = None) -> CaseChange:
        return cls({"queue_id": queue_id, "assignee_id": assignee_id})

    @classmethod
    def close(cls) -> CaseChange:
        return cls({"status": "encerrado"})

    @classmethod
    def reopen(cls) -> CaseChange:
        return cls({"status": "em_atendimento"})


@dataclass(frozen=True)
class HistoryMessage:
    direction: Literal["in", "out"]
    channel: Channel
    body: str
    sent_at_ms: int
    sender: str | None = None
    external_id: str | None = None
    id: str | None = None  # the CRM's message id; a stable one makes a second push of it a server-side duplicate


def _rfc3339(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class CrmPush:
    """Queues CRM writes for the CRM account's lane (``account_id``)."""

    def __init__(
        self,
        store: Store,
        account_id: int,
        *,
        clock: Callable[[], int] = now_ms,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._account_id = account_id
        self._clock = clock
        self._wake = wake  # the outbox drainer, told once a write is queued (committed)

    async def _queue(self, work: Callable[[Connection], object]) -> None:
        """Write the queued items in one transaction, then wake the drainer."""
        await self._store.write(work)
        if self._wake is not None:
            self._wake()

    @property
    def account_id(self) -> int:
        """The CRM account whose lane drains these writes (its queues and attendants are kept under it)."""
        return self._account_id

    def _enqueue(self, conn: Connection, payload: dict[str, Any], records: list[str], now: int) -> int:
        """Queue one CRM write; ``records`` are the records it touches or needs (it waits behind earlier writes
        to any of them: a note waits for its case, a case for its lead)."""
        key = f"deskchat-{uuid.uuid4()}"
        payload = {**payload, "records": records}
        record_key = records[0] if records else None
        return outbox.enqueue(
            conn, OutboxKind.CRM_CALL, key, payload, now=now, account_id=self._account_id, record_key=record_key
        )

    async def create_lead(self, lead: NewLead, *, contact_id: int | None = None) -> str:
        """A new lead: the local client record and its create, together; returns its CRM id."""
        crm_id, now = str(uuid.uuid4()), self._clock()
        body: dict[str, Any] = {"id": crm_id, "name": lead.name, "status": "lead", "source": lead.source}
        body.update({"phones": list(lead.phones), "emails": list(lead.emails)})

        def write(conn: Connection) -> None:
            if contact_id is not None:
                crm_records.save_client(conn, contact_id, now=now, crm_id=crm_id, name=lead.name, sales_stage="novo")
            payload = {"op": "create", "collection": "contacts", "id": crm_id, "body": body}
            self._enqueue(conn, payload, [f"contacts:{crm_id}"], now)

        await self._queue(write)
        return crm_id

    async def open_case(self, case: NewCase, *, contact_id: int | None = None) -> str:
        crm_id, now = str(uuid.uuid4()), self._clock()
        body = {
            "id": crm_id,
            "contact_id": case.contact_crm_id,
            "queue_id": case.queue_id,
            "subject": case.subject,
            "channel": case.channel,
            "opened_at": _rfc3339(now),
        }

        def write(conn: Connection) -> None:
            if contact_id is not None:
                fields = {"crm_id": crm_id, "title": case.subject, "status": "pendente"}
                crm_records.save_case(conn, contact_id, None, now=now, **fields)
            payload = {"op": "create", "collection": "cases", "id": crm_id, "body": body}
            self._enqueue(conn, payload, [f"cases:{crm_id}", f"contacts:{case.contact_crm_id}"], now)

        await self._queue(write)
        return crm_id

    async def change_case(self, case_crm_id: str, change: CaseChange, *, shown: dict[str, Any] | None = None) -> None:
        """Accept, transfer, close or reopen: the local case shows it at once; the CRM gets it in order.

        ``shown`` are local columns to change with it (the queue's or attendant's name, the priority)."""
        now = self._clock()
        local: dict[str, Any] = {name: change.patch[name] for name in ("status", "priority") if name in change.patch}
        local.update(shown or {})

        def write(conn: Connection) -> None:
            base = crm_queue.base_values(conn, "cases", case_crm_id, change.patch)  # for a 412's merge
            if local:
                crm_records.update_case_locally(conn, case_crm_id, now=now, **local)
            payload = {"op": "update", "collection": "cases", "id": case_crm_id, "patch": change.patch, "base": base}
            self._enqueue(conn, payload, [f"cases:{case_crm_id}"], now)

        await self._queue(write)

    async def update_contact(
        self, contact_crm_id: str, patch: dict[str, Any], *, client_id: int, shown: dict[str, Any]
    ) -> None:
        """An edit of a lead's or client's fields: the local record (``shown`` columns) changes at once, the CRM gets
        the merge ``patch`` in order, after the record's create if that has not reached it yet."""
        now = self._clock()

        def write(conn: Connection) -> None:
            base = crm_queue.base_values(conn, "contacts", contact_crm_id, patch)  # for a 412's merge
            crm_records.update_client_locally(conn, client_id, now=now, **shown)
            payload = {"op": "update", "collection": "contacts", "id": contact_crm_id, "patch": patch, "base": base}
            self._enqueue(conn, payload, [f"contacts:{contact_crm_id}"], now)

        await self._queue(write)

    async def add_note(self, body: str, *, case_crm_id: str | None = None, contact_crm_id: str | None = None) -> str:
        if case_crm_id is None and contact_crm_id is None:
            raise ValueError("a note belongs to a case or a contact")
        note_id, now = str(uuid.uuid4()), self._clock()
        note: dict[str, Any] = {"id": note_id, "body": body}
        if case_crm_id is not None:
            note["case_id"] = case_crm_id
        if contact_crm_id is not None:
            note["contact_id"] = contact_crm_id
        payload = {"op": "create", "collection": "notes", "id": note_id, "body": note}
        records = [f"cases:{case_crm_id}"] if case_crm_id is not None else []
        records += [f"contacts:{contact_crm_id}"] if contact_crm_id is not None else []
        await self._queue(lambda conn: self._enqueue(conn, payload, records, now))
        return note_id

    async def push_history(self, case_crm_id: str, messages: Sequence[HistoryMessage]) -> int:
        """Queue a linked conversation's messages in batches; returns how many batches."""
        now = self._clock()
        batches = [messages[start : start + HISTORY_BATCH] for start in range(0, len(messages), HISTORY_BATCH)]

        def write(conn: Connection) -> None:
            for batch in batches:
                self.enqueue_history(conn, case_crm_id, batch, now=now)

        await self._queue(write)
        return len(batches)

    def enqueue_history(self, conn: Connection, case_crm_id: str, batch: Sequence[HistoryMessage], *, now: int) -> None:
        """Queue one batch (at most the contract's 500) of a case's history inside the caller's transaction."""
        items = [
            {
                "id": message.id or str(uuid.uuid4()),
                "direction": message.direction,
                "channel": message.channel,
                "body": message.body,
                "sent_at": _rfc3339(message.sent_at_ms),
                "sender": message.sender,
                "external_id": message.external_id,
            }
            for message in batch
        ]
        payload = {"op": "append", "case_id": case_crm_id, "messages": items}
        self._enqueue(conn, payload, [f"cases:{case_crm_id}"], now)

    async def in_transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (which queues with :meth:`enqueue_history`) in one store transaction, then wake the drainer."""
        result = await self._store.write(work)
        if self._wake is not None:
            self._wake()
        return result

    def now(self) -> int:
        return self._clock()
