"""Local copies of the CRM's client and case records, as the info panel shows them, and where the CRM sync stands."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, delete, func, insert, or_, select, update

from deskchat.store.rows import inserted_id
from deskchat.store.schema import (
    contact_identities,
    conversation_cases,
    crm_cases,
    crm_clients,
    outbox,
    secrets,
    sync_state,
)
from deskchat.store.sync_state import save_sync_state


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
    display_number: str = ""  # as the CRM shows it: "#123" ("" until the CRM numbered it)


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
    crm_cases.c.display_number,
)


def _case(raw: RowMapping) -> CaseRecord:
    return CaseRecord(**raw)


def save_client(conn: Connection, contact_id: int, *, now: int, **fields: Any) -> int:
    return inserted_id(conn.execute(insert(crm_clients).values(contact_id=contact_id, updated_at=now, **fields)))


def save_case(conn: Connection, contact_id: int, client_id: int | None, *, now: int, **fields: Any) -> int:
    fields.setdefault("opened_at", now)
    fields.setdefault("status", "pendente")  # the column's default predates the contract's statuses
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


# -- sync with the CRM --------------------------------------------------------------------------------------------

CRM_SYNC_FOLDER = "crm"


@dataclass(frozen=True)
class CrmSyncState:
    """Where each pull stands (the CRM's opaque ``next_cursor`` per collection) and the CRM's directory.

    Queues and attendants have no table of their own yet: their names (never a customer's) are kept here, with the
    cursors, so cases can show "Financeiro" and "Ana" instead of ids.
    """

    cursors: dict[str, str]
    queues: dict[str, str]
    attendants: dict[str, str]


def crm_sync_state(conn: Connection, account_id: int) -> CrmSyncState:
    raw = conn.execute(
        select(sync_state.c.cursor).where(sync_state.c.account_id == account_id, sync_state.c.folder == CRM_SYNC_FOLDER)
    ).scalar()
    saved: dict[str, Any] = json.loads(raw) if raw else {}
    return CrmSyncState(
        dict(saved.get("cursors", {})), dict(saved.get("queues", {})), dict(saved.get("attendants", {}))
    )


def save_crm_sync_state(conn: Connection, account_id: int, state: CrmSyncState, *, now: int) -> None:
    """Store the cursors and directory (in the transaction that stores the rows they cover)."""
    cursor = json.dumps({"cursors": state.cursors, "queues": state.queues, "attendants": state.attendants})
    save_sync_state(
        conn,
        account_id,
        CRM_SYNC_FOLDER,
        uidvalidity=None,
        highest_uid=None,
        highest_modseq=None,
        cursor=cursor,
        now=now,
    )


def rfc3339_ms(value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def _etag_of(row_version: Any) -> str:
    return f'"{row_version}"' if row_version is not None else ""


#: The CRM fields an update patches → the local columns that show them (see :mod:`deskchat.services.crm_desk`).
_PATCHED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "contacts": {
        "name": ("name",),
        "cnpj": ("cnpj",),
        "company_type": ("company_type",),
        "credit_limit_cents": ("credit_limit_cents",),
        "debt_cents": ("debt_cents",),
        "sales_stage": ("sales_stage",),
        "responsible_id": ("responsible",),
    },
    "cases": {
        "subject": ("title",),
        "status": ("status",),
        "priority": ("priority",),
        "queue_id": ("queue", "queue_crm_id"),
        "assignee_id": ("assignee", "assignee_crm_id"),
    },
}
_NOT_SHOWN = frozenset({"updated_at", "etag"})


@dataclass
class PulledChanges:
    """What pulled pages changed that a screen shows: the local contacts whose client or cases changed, and the
    local cases that changed (filled by :func:`apply_pulled_contacts` and :func:`apply_pulled_cases`)."""

    contact_ids: set[int] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.contact_ids or self.case_ids)


def pending_edits(conn: Connection, collection: str, crm_ids: list[str]) -> dict[str, set[str]]:
    """The records among ``crm_ids`` with an update the CRM has not confirmed yet (queued, retrying, in flight,
    parked or in conflict), each with the local columns those updates set (one indexed query on ``record_key``).

    A pull keeps these columns as the attendant set them, and the record's ETag as it is: the update's If-Match is
    the version the attendant edited (a newer one would overwrite, without a 412, a change made meanwhile in the
    CRM); once the write is confirmed the handler saves the CRM's new version and the next pull shows the CRM's
    values."""
    patched = _PATCHED_COLUMNS.get(collection, {})
    keys = sorted({f"{collection}:{crm_id}" for crm_id in crm_ids})
    if not keys:
        return {}
    rows = conn.execute(
        select(outbox.c.record_key, outbox.c.payload_json)
        .where(outbox.c.record_key.in_(keys))
        .where(outbox.c.kind == "crm_call")
        .where(outbox.c.state != "done")
    )
    pending: dict[str, set[str]] = {}
    for record_key, payload_json in rows:
        try:
            payload = json.loads(payload_json)
        except ValueError:
            continue
        if not isinstance(payload, dict) or payload.get("op") != "update":
            continue
        if payload.get("collection") != collection:
            continue
        columns = pending.setdefault(str(record_key).partition(":")[2], set())
        for name in dict(payload.get("patch") or {}):
            columns.update(patched.get(str(name), ()))
    return pending


@dataclass(frozen=True)
class _PullGuard:
    """For one pulled page: the local rows it updates, and the columns the attendant's pending updates hold."""

    held: dict[str, RowMapping]
    pending: dict[str, set[str]]

    @classmethod
    def read(cls, conn: Connection, table: Table, collection: str, items: list[dict[str, Any]]) -> _PullGuard:
        crm_ids = sorted({str(item["id"]) for item in items})
        if not crm_ids:
            return cls({}, {})
        rows = conn.execute(select(table).where(table.c.crm_id.in_(crm_ids))).mappings()
        return cls({str(row["crm_id"]): row for row in rows}, pending_edits(conn, collection, crm_ids))


def _store_pulled(
    conn: Connection,
    table: Table,
    crm_id: str,
    fields: dict[str, Any],
    guard: _PullGuard,
    changes: PulledChanges | None,
) -> None:
    """Insert or update one pulled record, keeping the columns of the attendant's pending updates."""
    held = guard.held.get(crm_id)
    if held is None:
        new_id = inserted_id(conn.execute(insert(table).values(crm_id=crm_id, **fields)))
        if changes is not None and table is crm_cases:
            changes.case_ids.add(new_id)
            if fields.get("contact_id") is not None:
                changes.contact_ids.add(int(fields["contact_id"]))
        return
    kept = guard.pending.get(crm_id)
    if kept is not None:
        fields = {name: value for name, value in fields.items() if name not in kept and name != "etag"}
    shown_changed = any(held[name] != value for name, value in fields.items() if name not in _NOT_SHOWN)
    if not shown_changed and held["etag"] == fields.get("etag", held["etag"]):
        return
    conn.execute(update(table).where(table.c.crm_id == crm_id).values(**fields))
    if changes is None or not shown_changed:
        return
    for contact_id in {held["contact_id"], fields.get("contact_id")} - {None}:
        changes.contact_ids.add(int(contact_id))
    if table is crm_cases:
        changes.case_ids.add(int(held["id"]))


def apply_pulled_contacts(
    conn: Connection,
    items: list[dict[str, Any]],
    attendants: dict[str, str],
    *,
    now: int,
    changes: PulledChanges | None = None,
) -> int:
    """Insert or update the local copy of each CRM contact (matched by its CRM id); returns how many.

    Fields the attendant changed that the CRM has not confirmed yet stay as the attendant set them (see
    :func:`pending_edits`); ``changes`` collects what the page changed for the screen."""
    guard = _PullGuard.read(conn, crm_clients, "contacts", items)
    for item in items:
        responsible_id = item.get("responsible_id")
        fields = {
            "name": str(item.get("name") or ""),
            "cnpj": str(item.get("cnpj") or ""),
            "company_type": str(item.get("company_type") or ""),
            "credit_limit_cents": int(item.get("credit_limit_cents") or 0),
            "debt_cents": int(item.get("debt_cents") or 0),
            "sales_stage": str(item.get("sales_stage") or ""),
            "responsible": attendants.get(str(responsible_id), "") if responsible_id else "",
            "etag": _etag_of(item.get("row_version")),
            "updated_at": now,
        }
        _store_pulled(conn, crm_clients, str(item["id"]), fields, guard, changes)
    return len(items)


def apply_pulled_cases(
    conn: Connection,
    items: list[dict[str, Any]],
    directory: CrmSyncState,
    *,
    now: int,
    changes: PulledChanges | None = None,
) -> int:
    """Insert or update the local copy of each CRM case, tied to the local client and contact it belongs to (the
    attendant's unconfirmed case changes stay, as for contacts)."""
    guard = _PullGuard.read(conn, crm_cases, "cases", items)
    for item in items:
        owner = conn.execute(
            select(crm_clients.c.id, crm_clients.c.contact_id).where(crm_clients.c.crm_id == item.get("contact_id"))
        ).first()
        assignee_id = item.get("assignee_id")
        fields = {
            "client_id": owner.id if owner is not None else None,
            "contact_id": owner.contact_id if owner is not None else None,
            "title": str(item.get("subject") or ""),
            "status": str(item.get("status") or ""),
            "queue": directory.queues.get(str(item.get("queue_id")), ""),
            "priority": str(item.get("priority") or "normal"),
            "assignee": directory.attendants.get(str(assignee_id), "") if assignee_id else "",
            "opened_at": rfc3339_ms(item.get("opened_at")) or now,
            "display_number": str(item.get("display_number") or ""),
            "queue_crm_id": str(item["queue_id"]) if item.get("queue_id") else None,
            "assignee_crm_id": str(assignee_id) if assignee_id else None,
            "etag": _etag_of(item.get("row_version")),
            "updated_at": now,
        }
        _store_pulled(conn, crm_cases, str(item["id"]), fields, guard, changes)
    return len(items)


def etag_of_record(conn: Connection, collection: str, crm_id: str) -> str:
    """The ETag of the version DeskChat last saw of a CRM contact or case ("" when unknown)."""
    table = crm_clients if collection == "contacts" else crm_cases
    return str(conn.execute(select(table.c.etag).where(table.c.crm_id == crm_id)).scalar() or "")


def set_record_etag(conn: Connection, collection: str, crm_id: str, etag: str, *, now: int) -> None:
    """The CRM confirmed a write: remember the version it now holds."""
    if collection not in ("contacts", "cases"):
        return
    table = crm_clients if collection == "contacts" else crm_cases
    conn.execute(update(table).where(table.c.crm_id == crm_id).values(etag=etag, updated_at=now))


def update_case_locally(conn: Connection, crm_id: str, *, now: int, **fields: Any) -> None:
    """A change the attendant made to a case (status, queue, assignee), before the CRM confirms it."""
    conn.execute(update(crm_cases).where(crm_cases.c.crm_id == crm_id).values(updated_at=now, **fields))


def case_by_crm_id(conn: Connection, crm_id: str) -> CaseRecord | None:
    raw = conn.execute(select(*_CASE_COLUMNS).where(crm_cases.c.crm_id == crm_id)).mappings().first()
    return _case(raw) if raw is not None else None


def held_client_ids(conn: Connection, crm_ids: set[str]) -> set[str]:
    """Which of these CRM contacts the store holds a copy of."""
    if not crm_ids:
        return set()
    found = conn.execute(select(crm_clients.c.crm_id).where(crm_clients.c.crm_id.in_(sorted(crm_ids)))).scalars()
    return {str(crm_id) for crm_id in found}


def client_by_crm_id(conn: Connection, crm_id: str) -> ClientRecord | None:
    raw = conn.execute(select(*_CLIENT_COLUMNS).where(crm_clients.c.crm_id == crm_id)).mappings().first()
    return ClientRecord(**raw) if raw is not None else None


@dataclass(frozen=True)
class Blocker:
    """An earlier CRM write for the same record that has not reached the CRM yet."""

    item_id: int
    state: str
    next_attempt_at: int


def earlier_write_pending(conn: Connection, account_id: int, item_id: int, records: list[str]) -> Blocker | None:
    """The first CRM outbox row before ``item_id`` that touches one of ``records`` and is not done (order per record).

    Record keys (``"cases:<uuid>"``) are written into each row's payload by the CRM push service.
    """
    if not records:
        return None
    touches = or_(*(outbox.c.payload_json.contains(json.dumps(record)) for record in records))
    row = conn.execute(
        select(outbox.c.id, outbox.c.state, outbox.c.next_attempt_at)
        .where(outbox.c.kind == "crm_call", outbox.c.account_id == account_id, outbox.c.id < item_id)
        .where(outbox.c.state != "done")
        .where(touches)
        .order_by(outbox.c.id)
        .limit(1)
    ).first()
    return None if row is None else Blocker(int(row.id), str(row.state), int(row.next_attempt_at))


def wait_behind(conn: Connection, item_id: int, next_attempt_at: int, reason: str, *, now: int) -> None:
    """Put a claimed CRM row back behind an earlier write for its record, without counting the claim as an attempt."""
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(
            state="queued",
            next_attempt_at=next_attempt_at,
            attempts=func.max(outbox.c.attempts - 1, 0),
            last_error=reason,
            updated_at=now,
        )
    )


def _token_name(account_id: int) -> str:
    return f"crm_tokens:{account_id}"


def save_crm_tokens(conn: Connection, account_id: int, tokens: dict[str, str] | None, *, now: int) -> None:
    """Keep (or, with None, forget) the CRM account's token pair in the encrypted store's ``secrets`` table."""
    name = _token_name(account_id)
    conn.execute(delete(secrets).where(secrets.c.name == name))
    if tokens is not None:
        conn.execute(insert(secrets).values(name=name, value=json.dumps(tokens).encode(), updated_at=now))


def crm_tokens(conn: Connection, account_id: int) -> dict[str, str] | None:
    raw = conn.execute(select(secrets.c.value).where(secrets.c.name == _token_name(account_id))).scalar()
    return None if raw is None else dict(json.loads(bytes(raw)))


def replace_outbox_key(conn: Connection, item_id: int, key: str) -> None:
    """A CRM row whose key only ever gets a stored failure replayed is retried under a new key."""
    conn.execute(update(outbox).where(outbox.c.id == item_id).values(idempotency_key=key))


# -- the attendant's edits in the info pane -----------------------------------------------------------------------


def client_by_id(conn: Connection, client_id: int) -> ClientRecord | None:
    raw = conn.execute(select(*_CLIENT_COLUMNS).where(crm_clients.c.id == client_id)).mappings().first()
    return ClientRecord(**raw) if raw is not None else None


def case_by_id(conn: Connection, case_id: int) -> CaseRecord | None:
    raw = conn.execute(select(*_CASE_COLUMNS).where(crm_cases.c.id == case_id)).mappings().first()
    return _case(raw) if raw is not None else None


def contact_of_client(conn: Connection, client_id: int) -> int | None:
    found = conn.execute(select(crm_clients.c.contact_id).where(crm_clients.c.id == client_id)).scalar()
    return None if found is None else int(found)


def update_client_locally(conn: Connection, client_id: int, *, now: int, **fields: Any) -> None:
    """A change the attendant made to a client's fields, shown at once, before the CRM confirms it."""
    conn.execute(update(crm_clients).where(crm_clients.c.id == client_id).values(updated_at=now, **fields))


def client_link_reason(conn: Connection, client_id: int) -> str:
    """Why the client record belongs to its contact: lead | manual | phone | email, or "" (it came so from the CRM)."""
    return str(conn.execute(select(crm_clients.c.linked_by).where(crm_clients.c.id == client_id)).scalar() or "")


def set_client_link(conn: Connection, client_id: int, contact_id: int, linked_by: str, *, now: int) -> None:
    """Tie a client record to a contact (the attendant chose it, or a lead was created for it) and say why."""
    conn.execute(
        update(crm_clients)
        .where(crm_clients.c.id == client_id)
        .values(contact_id=contact_id, linked_by=linked_by, updated_at=now)
    )


@dataclass(frozen=True)
class ClientMatch:
    """A client found by the attendant's search, with the contact it belongs to locally (None: not yet)."""

    client: ClientRecord
    contact_id: int | None


def search_clients(conn: Connection, text: str, *, limit: int = 20) -> list[ClientMatch]:
    """Local clients whose name or CNPJ contains ``text``, or whose contact has a phone or e-mail containing it."""
    text = text.strip()
    if not text:
        return []
    pattern = f"%{_escape_like(text.casefold())}%"
    digits = "".join(ch for ch in text if ch.isdigit())
    conditions = [func.lower(crm_clients.c.name).like(pattern, escape="\\")]
    identity_matches = [func.lower(contact_identities.c.value).like(pattern, escape="\\")]
    if len(digits) >= 4:
        digit_pattern = f"%{digits}%"
        conditions.append(
            func.replace(func.replace(func.replace(crm_clients.c.cnpj, ".", ""), "/", ""), "-", "").like(digit_pattern)
        )
        identity_matches.append(contact_identities.c.value.like(digit_pattern))
    by_identity = select(contact_identities.c.contact_id).where(or_(*identity_matches))
    conditions.append(crm_clients.c.contact_id.in_(by_identity.scalar_subquery()))
    rows = conn.execute(
        select(*_CLIENT_COLUMNS, crm_clients.c.contact_id.label("owner"))
        .where(or_(*conditions))
        .order_by(crm_clients.c.name, crm_clients.c.id)
        .limit(limit)
    ).mappings()
    matches = []
    for raw in rows:
        fields = {key: raw[key] for key in raw if key != "owner"}
        matches.append(ClientMatch(ClientRecord(**fields), raw["owner"]))
    return matches


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class CaseLink:
    """A case a conversation is linked to, and why: phone | email | sender | subject | manual."""

    case: CaseRecord
    linked_by: str


def case_links_of_conversation(conn: Connection, conversation_id: int) -> list[CaseLink]:
    rows = conn.execute(
        select(*_CASE_COLUMNS, conversation_cases.c.linked_by)
        .join(conversation_cases, conversation_cases.c.case_id == crm_cases.c.id)
        .where(conversation_cases.c.conversation_id == conversation_id)
        .order_by(crm_cases.c.opened_at.desc())
    ).mappings()
    links = []
    for raw in rows:
        fields = {key: raw[key] for key in raw if key != "linked_by"}
        links.append(CaseLink(CaseRecord(**fields), str(raw["linked_by"])))
    return links


def move_conversation_to_case(conn: Connection, conversation_id: int, to_case_id: int, *, now: int) -> None:
    """The attendant moves a conversation to another case: it leaves the cases it was linked to, and the new link
    says "manual"."""
    conn.execute(delete(conversation_cases).where(conversation_cases.c.conversation_id == conversation_id))
    link_case(conn, conversation_id, to_case_id, "manual", now=now)
