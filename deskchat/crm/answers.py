"""What one CRM answer means for the item that asked: its JSON, or a typed reason to retry, park or ask.

Every answer is classified before anyone trusts it:

* 2xx with a JSON object body → the body (an HTML page or broken JSON with status 200 is *not* success: a captive
  portal or a proxy answered, so the write is retried with the same key, never called done);
* connection errors, 408, 409 (the same key still in flight), 425, 429 and 5xx → :class:`CrmRetry`, with the server's
  ``Retry-After`` (seconds or an HTTP date) clamped to [1 s, 1 h], or none (the caller backs off exponentially);
* 400, 403, 404 (on a create or a change), 410, 413 and 422 → :class:`CrmRefused` with the reason in Portuguese;
* 412 → :class:`CrmConflict` (someone else changed the record);
* 401 → :class:`CrmUnauthorized` (the client refreshes once, then raises :class:`SignInRequired`).

Reasons never quote a payload, a token or a header: they are shown to the attendant and may reach a log.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

MIN_RETRY_AFTER_S: Final = 1.0
MAX_RETRY_AFTER_S: Final = 3600.0

RETRIED_STATUSES: Final = frozenset({408, 409, 425, 429})
REFUSED_REASONS: Final = {
    400: "o CRM recusou o pedido como malformado (400)",
    403: "o usuário do CRM não tem permissão para esta alteração (403)",
    404: "o registro não existe no CRM (404)",
    410: "o registro foi removido do CRM (410)",
    413: "o lote é grande demais para o CRM (413)",
    422: "o CRM recusou os dados enviados (422)",
}


class CrmError(Exception):
    """Base of every way a CRM call can end other than with its answer."""


class CrmRetry(CrmError):
    """Transient: try again with the same key, after ``retry_after_s`` when the server named a delay."""

    def __init__(
        self,
        reason: str,
        retry_after_s: float | None = None,
        *,
        status: int | None = None,
        replayed: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s
        self.status = status
        self.replayed = replayed  # the server replays a failure it stored for this key: only a new key can succeed
        self.unreachable = unreachable  # no connection was made: the request never reached the CRM


class CrmRefused(CrmError):
    """Refused for good: the item is parked with this reason (in Portuguese) for the attendant."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.status = status


class CrmConflict(CrmError):
    """412: the record changed on the CRM since the version this change was based on."""

    def __init__(self, reason: str, current_etag: str | None) -> None:
        super().__init__(reason)
        self.current_etag = current_etag


class CrmUnauthorized(CrmError):
    """401 on a call: the access token is no longer accepted (the client tries one refresh)."""


class SignInRequired(CrmError):
    """Neither the access token nor the refresh token works: the attendant must sign in to the CRM again."""

    def __init__(self) -> None:
        super().__init__("Entrada necessária: reconecte ao CRM")


def clamp_delay(seconds: float) -> float:
    return min(MAX_RETRY_AFTER_S, max(MIN_RETRY_AFTER_S, seconds))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait, clamped to [1 s, 1 h]; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return clamp_delay(float(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return clamp_delay((when - (now or datetime.now(UTC))).total_seconds())


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body of a successful answer, or :class:`CrmRetry` when it is not a JSON object (never "done")."""
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        raise CrmRetry(f"o CRM respondeu {response.status_code} sem JSON (página de proxy ou portal?)")
    try:
        body = json.loads(response.content)
    except ValueError:
        raise CrmRetry(f"o CRM respondeu {response.status_code} com JSON malformado") from None
    if not isinstance(body, dict):
        raise CrmRetry(f"o CRM respondeu {response.status_code} com JSON inesperado")
    return body


def check_status(response: httpx.Response) -> None:
    """Raise the error a non-2xx answer means; return for 2xx."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 401:
        raise CrmUnauthorized("o CRM não aceitou a entrada (401)")
    if status == 412:
        raise CrmConflict("o registro mudou no CRM desde a última leitura (412)", response.headers.get("etag"))
    if status in RETRIED_STATUSES or status >= 500:
        delay = retry_after_seconds(response.headers.get("retry-after"))
        replayed = response.headers.get("idempotent-replayed", "").lower() == "true"
        raise CrmRetry(f"o CRM respondeu {status}; nova tentativa em breve", delay, status=status, replayed=replayed)
    reason = REFUSED_REASONS.get(status, f"o CRM recusou o pedido ({status})")
    raise CrmRefused(reason, status=status)


def transport_retry(problem: httpx.TransportError) -> CrmRetry:
    """A connection error, a timeout or a cut body: the write may or may not have happened; retry the same key."""
    if isinstance(problem, (httpx.ConnectError, httpx.ConnectTimeout)):
        return CrmRetry("CRM indisponível: não foi possível conectar ao CRM", unreachable=True)
    if isinstance(problem, httpx.TimeoutException):
        return CrmRetry("o CRM não respondeu a tempo")
    return CrmRetry("a conexão com o CRM caiu no meio da resposta")


def answer_error(
    status: int, body: dict[str, Any] | None, *, replayed: bool = False, etag: str = ""
) -> CrmError | None:
    """What one operation's answer inside a batch means, classified as :func:`check_status` classifies a response
    (None for 2xx). A create refused because its client-generated id already exists is :class:`AlreadyHeld`."""
    if 200 <= status < 300:
        return None
    if status == 409 and body is not None and str(body.get("type", "")).endswith("/already-exists"):
        return AlreadyHeld("o CRM já tem este registro")
    headers = {"etag": etag} if etag else {}
    if replayed:
        headers["idempotent-replayed"] = "true"
    try:
        check_status(httpx.Response(status, headers=headers))
    except CrmError as problem:
        return problem
    return None


class AlreadyHeld(CrmError):
    """A create whose client-generated id the CRM already holds: only this client chose that id, so an earlier try
    of this very create arrived (its answer was lost): the record is there once, the item is done."""
