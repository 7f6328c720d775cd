"""The read operations: pages in the order of change, single records with their ETag, and the auth calls."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Connection, select
from starlette.requests import Request

from deskchat.crm.server import auth, cases, contacts, history
from deskchat.crm.server.config import ServerConfig
from deskchat.crm.server.directory import attendant_to_json, queue_to_json
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.rows import Outcome, etag, not_found, page, require
from deskchat.crm.server.schema import attendants, case_messages, notes, queues
from deskchat.crm.server.schema import cases as cases_table
from deskchat.crm.server.schema import contacts as contacts_table


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= 500:
        raise ProblemError(400, "bad-limit", "limit must be an integer from 1 to 500.")
    return int(raw)


def _uuid_param(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError as error:
        raise ProblemError(400, "bad-parameter", f"{name} must be a UUID.") from error


def _path_uuid(request: Request, name: str, what: str) -> str:
    try:
        return str(uuid.UUID(request.path_params[name]))
    except ValueError as error:
        raise not_found(what) from error


class Reads:
    def __init__(self, config: ServerConfig) -> None:
        self.break_ties = "cursor" in config.broken

    def _page(self, conn: Connection, request: Request, table: Any, to_json: Any, *filters: Any) -> Outcome:
        cursor = request.query_params.get("updated_since")
        body = page(conn, table, to_json, cursor, _limit(request), *filters, break_ties=self.break_ties)
        return Outcome(200, body)

    def attendants(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        return self._page(conn, request, attendants, attendant_to_json)

    def queues(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        return self._page(conn, request, queues, queue_to_json)

    def contacts(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        filters: list[ColumnElement[bool]] = []
        query = request.query_params.get("q")
        if query is not None:
            if not 1 <= len(query) <= 100:
                raise ProblemError(400, "bad-parameter", "q must hold 1 to 100 characters.")
            escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            filters.append(contacts_table.c.search_text.like(f"%{escaped}%", escape="\\"))
        return self._page(conn, request, contacts_table, contacts.to_json, *filters)

    def cases(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        filters = [
            getattr(cases_table.c, name) == value
            for name in ("assignee_id", "queue_id", "contact_id")
            if (value := _uuid_param(request, name)) is not None
        ]
        return self._page(conn, request, cases_table, cases.to_json, *filters)

    def messages(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        case_id = _path_uuid(request, "case_id", "case")
        require(conn, cases_table, case_id, "case")
        return self._page(conn, request, case_messages, history.message_to_json, case_messages.c.case_id == case_id)

    def notes(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        return self._page(conn, request, notes, history.note_to_json)

    def contact(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        row = contacts.fetch(conn, _path_uuid(request, "contact_id", "contact"))
        return Outcome(200, contacts.to_json(row), {"ETag": etag(row.row_version)})

    def case(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        row = cases.fetch(conn, _path_uuid(request, "case_id", "case"))
        return Outcome(200, cases.to_json(row), {"ETag": etag(row.row_version)})

    def note(self, conn: Connection, request: Request, _who: str | None) -> Outcome:
        note_id = _path_uuid(request, "note_id", "note")
        row = conn.execute(select(notes).where(notes.c.id == note_id)).first()
        if row is None:
            raise not_found("note")
        return Outcome(200, history.note_to_json(row), {"ETag": etag(row.row_version)})


class AuthCalls:
    def __init__(self, config: ServerConfig) -> None:
        self.access_ttl = config.access_ttl_s
        self.refresh_ttl = config.refresh_ttl_s

    @staticmethod
    def _refused() -> ProblemError:
        return ProblemError(
            401,
            "unauthorized",
            "Wrong user or password, or a dead token.",
            headers={"WWW-Authenticate": 'Bearer realm="deskchat-crm"'},
        )

    def token(self, conn: Connection, body: dict[str, Any]) -> Outcome:
        attendant_id = auth.attendant_for_login(conn, body["user"], body["password"])
        if attendant_id is None:
            raise self._refused()
        return Outcome(200, auth.issue_pair(conn, attendant_id, self.access_ttl, self.refresh_ttl).as_json())

    def refresh(self, conn: Connection, body: dict[str, Any]) -> Outcome:
        pair = auth.rotate(conn, body["refresh_token"], self.access_ttl, self.refresh_ttl)
        if pair is None:  # answered, not raised: a reused token's family revocation must commit
            refused = self._refused()
            return Outcome(401, refused.body(), refused.headers, "application/problem+json")
        return Outcome(200, pair.as_json())

    def revoke(self, conn: Connection, body: dict[str, Any]) -> Outcome:
        auth.revoke(conn, body["token"])
        return Outcome(204, None)
