"""Channel accounts (a WhatsApp number, a mailbox) and their integration log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from deskchat.store.rows import inserted_id
from deskchat.store.schema import accounts, conversation_cases, conversations, integration_log

LOG_KEEP = 500  # rows kept per account; the screen shows the last 50


@dataclass(frozen=True)
class AccountRow:
    id: int
    kind: str
    name: str
    address: str
    state: str


def create_account(conn: Connection, kind: str, name: str, address: str = "", *, now: int) -> int:
    return inserted_id(conn.execute(insert(accounts).values(kind=kind, name=name, address=address, created_at=now)))


def list_accounts(conn: Connection) -> list[AccountRow]:
    rows = conn.execute(
        select(accounts.c.id, accounts.c.kind, accounts.c.name, accounts.c.address, accounts.c.state).order_by(
            accounts.c.id
        )
    )
    return [AccountRow(*row) for row in rows]


def set_account_state(conn: Connection, account_id: int, state: str) -> None:
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(state=state))


def add_log_entry(
    conn: Connection, account_id: int | None, event: str, detail: str = "", level: str = "info", *, now: int
) -> None:
    conn.execute(insert(integration_log).values(account_id=account_id, at=now, level=level, event=event, detail=detail))
    if account_id is not None:
        conn.exec_driver_sql(
            "DELETE FROM integration_log WHERE account_id = ? AND id NOT IN "
            "(SELECT id FROM integration_log WHERE account_id = ? ORDER BY id DESC LIMIT ?)",
            (account_id, account_id, LOG_KEEP),
        )


@dataclass(frozen=True)
class LogEntry:
    at: int  # unix ms
    level: str
    event: str
    detail: str


def log_entries(conn: Connection, account_id: int, limit: int) -> list[LogEntry]:
    """An account's newest integration-log entries first."""
    rows = conn.execute(
        select(integration_log.c.at, integration_log.c.level, integration_log.c.event, integration_log.c.detail)
        .where(integration_log.c.account_id == account_id)
        .order_by(integration_log.c.id.desc())
        .limit(limit)
    )
    return [LogEntry(int(at), str(level), str(event), str(detail)) for at, level, event, detail in rows]


def count_auto_linked_since(conn: Connection, account_id: int, since_ms: int) -> int:
    """Conversations of the account linked to a case automatically (not by hand) since ``since_ms``."""
    query = (
        select(conversation_cases.c.conversation_id)
        .join(conversations, conversations.c.id == conversation_cases.c.conversation_id)
        .where(conversations.c.account_id == account_id)
        .where(conversation_cases.c.linked_by != "manual")
        .where(conversation_cases.c.linked_at >= since_ms)
        .distinct()
    )
    return len(conn.execute(query).all())
