"""The CRM client: one ``httpx.AsyncClient`` session speaking the contract in ``openapi.yaml``.

* **Sign-in.** :meth:`CrmClient.sign_in` trades a user and password for a token pair; the password is not kept.
  A 401 on any call refreshes the pair once (silently) and repeats the call; when the refresh token is dead too,
  :class:`~deskchat.crm.answers.SignInRequired` is raised and the tokens are forgotten.
* **Writes** carry the caller's ``Idempotency-Key`` (kept across retries by the outbox) and the record's
  client-generated UUID; every answer is classified by :mod:`deskchat.crm.answers`.
* **Secrets.** Tokens, the ``Authorization`` header and payloads never reach a log; ``on_tokens`` hands a new pair
  to whoever keeps it (the ``secrets`` table).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx

from deskchat.crm.answers import (
    CrmError,
    CrmRetry,
    CrmUnauthorized,
    SignInRequired,
    answer_error,
    check_status,
    json_object,
    transport_retry,
)

API_PREFIX: Final = "/api/v1"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=10.0)
SEARCH_MAX: Final = 100  # the contract's longest ``q``


def new_record_id() -> str:
    """A client-generated id for a new CRM record (chosen before the first try, kept across retries)."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    attendant_id: str

    def __repr__(self) -> str:  # never print a token, even by accident
        return f"TokenPair(attendant_id={self.attendant_id!r})"


@dataclass(frozen=True)
class Record:
    """One record as the CRM holds it, with its ETag (for If-Match)."""

    body: dict[str, Any]
    etag: str


@dataclass(frozen=True)
class BatchOperation:
    """One write of a ``POST /batch``: the very request its single form would be, under its own key."""

    key: str
    method: str  # POST | PATCH
    path: str  # relative to /api/v1, e.g. "/contacts" or "/cases/<id>/messages"
    body: dict[str, Any]
    if_match: str | None = None


@dataclass(frozen=True)
class BatchAnswer:
    """One operation's own answer: its status, ETag and body, as the single request would have had them."""

    status: int
    etag: str
    body: dict[str, Any] | None
    replayed: bool

    def error(self) -> CrmError | None:
        """What this answer means when it is not a success (None for 2xx)."""
        return answer_error(self.status, self.body, replayed=self.replayed, etag=self.etag)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


class CrmClient:
    """An authenticated session against one CRM (``base_url`` without ``/api/v1``)."""

    def __init__(
        self,
        base_url: str,
        *,
        tokens: TokenPair | None = None,
        on_tokens: Callable[[TokenPair | None], None] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/") + API_PREFIX, timeout=timeout, transport=transport)
        self._tokens = tokens
        self._on_tokens = on_tokens

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def signed_in(self) -> bool:
        return self._tokens is not None

    @property
    def attendant_id(self) -> str | None:
        return None if self._tokens is None else self._tokens.attendant_id

    # -- auth --------------------------------------------------------------------------------------------------

    async def sign_in(self, user: str, password: str) -> TokenPair:
        """Log in; raises :class:`SignInRequired` for a wrong user or password, :class:`CrmRetry` when unreachable."""
        body = await self._auth_call("/auth/token", {"user": user, "password": password})
        return self._keep(body)

    async def sign_out(self) -> None:
        """Revoke the refresh token (ending every token of this login) and forget the pair."""
        if self._tokens is not None:
            try:
                await self._auth_call("/auth/revoke", {"token": self._tokens.refresh_token})
            finally:
                self._forget()

    async def _refresh(self) -> None:
        if self._tokens is None:
            raise SignInRequired()
        try:
            body = await self._auth_call("/auth/refresh", {"refresh_token": self._tokens.refresh_token})
        except SignInRequired:
            self._forget()
            raise
        self._keep(body)

    async def _auth_call(self, path: str, body: dict[str, str]) -> dict[str, Any]:
        try:
            response = await self._http.post(path, json=body)
        except httpx.TransportError as problem:
            raise transport_retry(problem) from None
        if response.status_code in (400, 401):
            raise SignInRequired()
        check_status(response)
        return json_object(response) if response.content else {}

    def _keep(self, body: Mapping[str, Any]) -> TokenPair:
        try:
            pair = TokenPair(str(body["access_token"]), str(body["refresh_token"]), str(body["attendant_id"]))
        except KeyError:
            raise CrmRetry("o CRM respondeu à entrada sem os tokens") from None
        self._tokens = pair
        if self._on_tokens is not None:
            self._on_tokens(pair)
        return pair

    def _forget(self) -> None:
        self._tokens = None
        if self._on_tokens is not None:
            self._on_tokens(None)

    # -- transport ---------------------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        key: str | None = None,
        if_match: str | None = None,
    ) -> httpx.Response:
        """One call with the bearer token, refreshed once on a 401; the status is checked except for 404 on GET."""
        for refreshed in (False, True):
            if self._tokens is None:
                raise SignInRequired()
            headers = {"Authorization": f"Bearer {self._tokens.access_token}"}
            if key is not None:
                headers["Idempotency-Key"] = key
            if if_match is not None:
                headers["If-Match"] = if_match
            try:
                response = await self._http.request(method, path, json=body, params=params, headers=headers)
            except httpx.TransportError as problem:
                raise transport_retry(problem) from None
            if method == "GET" and response.status_code == 404:
                return response
            try:
                check_status(response)
            except CrmUnauthorized:
                if refreshed:
                    self._forget()
                    raise SignInRequired() from None
                await self._refresh()
                continue
            return response
        raise AssertionError("unreachable")

    async def _record(self, method: str, path: str, **options: Any) -> Record:
        response = await self._call(method, path, **options)
        return Record(json_object(response), response.headers.get("etag", ""))

    # -- reads -------------------------------------------------------------------------------------------------

    async def get(self, collection: str, record_id: str) -> Record | None:
        """One contact, case or note by id; None when the CRM does not hold it."""
        response = await self._call("GET", f"/{collection}/{record_id}")
        if response.status_code == 404:
            return None
        return Record(json_object(response), response.headers.get("etag", ""))

    async def page(
        self, collection: str, cursor: str = "", limit: int = 100, filters: Mapping[str, str] | None = None
    ) -> Page:
        """One page of ``contacts``, ``cases``, ``queues``, ``attendants`` or ``notes`` changed after ``cursor``
        (``filters``: e.g. ``{"assignee_id": …}`` or ``{"queue_id": …}`` for cases)."""
        params = {"limit": str(limit), **(filters or {})}
        if cursor:
            params["updated_since"] = cursor
        body = json_object(await self._call("GET", f"/{collection}", params=params))
        items = body.get("items")
        if not isinstance(items, list) or not isinstance(body.get("next_cursor"), str):
            raise CrmRetry("o CRM respondeu uma página sem itens ou cursor")
        return Page([item for item in items if isinstance(item, dict)], body["next_cursor"], bool(body["has_more"]))

    # -- search ------------------------------------------------------------------------------------------------

    async def search_contacts(self, q: str, limit: int = 20) -> list[dict[str, Any]]:
        """Leads and clients whose name, phone, e-mail or CNPJ contains ``q`` (``GET /contacts?q=``; 1-100
        characters), as the CRM answers them; raises :class:`CrmRetry` when the CRM cannot be reached."""
        q = q.strip()[:SEARCH_MAX]
        if not q:
            return []
        body = json_object(await self._call("GET", "/contacts", params={"q": q, "limit": str(limit)}))
        items = body.get("items")
        if not isinstance(items, list):
            raise CrmRetry("o CRM respondeu à busca sem itens")
        return [item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]

    # -- writes ------------------------------------------------------------------------------------------------

    async def create(self, collection: str, body: Mapping[str, Any], key: str) -> Record:
        """POST a new contact, case or note (``body["id"]`` is the client-generated UUID)."""
        return await self._record("POST", f"/{collection}", body=dict(body), key=key)

    async def update(self, collection: str, record_id: str, patch: Mapping[str, Any], etag: str, key: str) -> Record:
        """PATCH (merge patch) the version named by ``etag``; a stale one raises CrmConflict."""
        return await self._record("PATCH", f"/{collection}/{record_id}", body=dict(patch), key=key, if_match=etag)

    async def append_messages(self, case_id: str, messages: list[dict[str, Any]], key: str) -> dict[str, Any]:
        """Add a batch of history messages (ids chosen by the client; the CRM counts known ones as duplicates)."""
        response = await self._call("POST", f"/cases/{case_id}/messages", body={"messages": messages}, key=key)
        return json_object(response)

    async def batch(self, operations: list[BatchOperation]) -> list[BatchAnswer]:
        """Several writes in one request (``POST /batch``), each answered on its own, in order."""
        wire = []
        for operation in operations:
            entry: dict[str, Any] = {
                "idempotency_key": operation.key,
                "method": operation.method,
                "path": operation.path,
                "body": operation.body,
            }
            if operation.if_match is not None:
                entry["if_match"] = operation.if_match
            wire.append(entry)
        body = json_object(await self._call("POST", "/batch", body={"operations": wire}))
        results = body.get("results")
        if not isinstance(results, list) or len(results) != len(operations):
            raise CrmRetry("o CRM respondeu ao lote sem uma resposta por operação")
        answers = []
        for one in results:
            if not isinstance(one, dict) or not isinstance(one.get("status"), int):
                raise CrmRetry("o CRM respondeu ao lote com uma resposta malformada")
            found = one.get("body")
            answers.append(
                BatchAnswer(
                    int(one["status"]),
                    str(one.get("etag") or ""),
                    found if isinstance(found, dict) else None,
                    bool(one.get("replayed")),
                )
            )
        return answers
