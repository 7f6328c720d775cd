"""What every record module shares: times, ETags, pages in the order of change, and the write context."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Table, and_, or_, select

from deskchat.crm.server import cursors
from deskchat.crm.server.problems import ProblemError

Json = dict[str, Any]


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str, pointer: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as error:
        raise ProblemError(
            422, "invalid-body", "The body breaks the contract.", errors=[{"pointer": pointer, "detail": str(error)}]
        ) from error
    if moment.tzinfo is None:
        raise ProblemError(
            422, "invalid-body", "The body breaks the contract.", errors=[{"pointer": pointer, "detail": "no offset"}]
        )
    return int(moment.timestamp() * 1000)


def etag(row_version: int) -> str:
    return f'"{row_version}"'


def if_match_allows(header: str, row_version: int) -> bool:
    """Strong comparison (RFC 9110): a weak tag never matches; ``*`` matches any existing record."""
    wanted = etag(row_version)
    return any(tag.strip() in ("*", wanted) for tag in header.split(","))


@dataclass
class Outcome:
    """What a write handler answers: status, JSON body (or none) and extra headers."""

    status: int
    body: Json | None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass
class WriteContext:
    conn: Connection
    attendant_id: str
    body: Json
    path: Mapping[str, str]
    if_match: str | None
    now: int
    seq: int
    broken: tuple[str, ...]


def page(
    conn: Connection,
    table: Table,
    to_json: Callable[[Any], Json],
    cursor: str | None,
    limit: int,
    *filters: ColumnElement[bool],
    break_ties: bool = False,
) -> Json:
    seq_col: Column[Any] = table.c.change_seq
    id_col: Column[Any] = table.c.id
    after_seq, after_id = cursors.decode(cursor)
    position = or_(seq_col > after_seq, and_(seq_col == after_seq, id_col > after_id))
    if break_ties:  # the "cursor" rule broken on purpose: rows sharing the page's last change_seq are skipped
        position = seq_col > after_seq
    rows = conn.execute(select(table).where(position, *filters).order_by(seq_col, id_col).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = (int(rows[-1].change_seq), str(rows[-1].id)) if rows else (after_seq, after_id)
    return {"items": [to_json(row) for row in rows], "next_cursor": cursors.encode(last), "has_more": has_more}


def not_found(what: str) -> ProblemError:
    return ProblemError(404, "not-found", f"No such {what}.")


def already_exists(what: str) -> ProblemError:
    return ProblemError(409, "already-exists", f"A {what} with this id already exists.")


def stale(row_version: int) -> ProblemError:
    return ProblemError(
        412,
        "stale-version",
        "The record changed since the version named by If-Match.",
        headers={"ETag": etag(row_version)},
    )


def exists(conn: Connection, table: Table, record_id: str | None) -> bool:
    if record_id is None:
        return True
    return conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None


def require(conn: Connection, table: Table, record_id: str | None, what: str) -> None:
    if not exists(conn, table, record_id):
        raise not_found(what)
