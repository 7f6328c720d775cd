"""Faults injected on purpose (only with --faults): a schedule kept in the database so every worker obeys it.

Kinds, and where in a request they strike:
  status              before anything runs: answer params.status (503 by default) with params.retry_after, if given,
                      as Retry-After (seconds or an HTTP date, sent as written)
  html_200            before anything runs: a 200 HTML page (a captive portal or a proxy's error page)
  delay               params.delay_ms of waiting after the key is claimed (so a retry meanwhile gets 409)
  error_before_commit the write rolls back and the key is released: 500, and a retry runs it for real
  stored_error        the write rolls back and its 500 is stored as the key's response: every retry replays it
  error_after_commit  the write commits (its real response stored for the key), the client gets a 500
  malformed_json      the write commits, the client gets its status with a truncated JSON body
  reset_mid_body      the write commits, the connection is cut halfway through the body
  lost_response       the write commits, the connection is cut before any body (the response is lost)

A fault with ``chance`` (0–1) strikes each matching request with that probability instead of the next ones in a
row (e.g. ``{"kind": "error_after_commit", "chance": 0.1, "times": 100000}``: about one request in ten fails).
A fault with ``skip`` lets that many matching requests pass before it strikes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from deskchat.crm.server.schema import faults

KINDS = (
    "status",
    "html_200",
    "delay",
    "error_before_commit",
    "stored_error",
    "error_after_commit",
    "malformed_json",
    "reset_mid_body",
    "lost_response",
)


@dataclass(frozen=True)
class Fault:
    kind: str
    params: dict[str, Any]


def schedule(engine: Engine, specs: list[dict[str, Any]]) -> None:
    rows = []
    for spec in specs:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        params = {name: value for name, value in spec.items() if name not in ("kind", "method", "path", "times")}
        rows.append(
            {
                "kind": kind,
                "method": spec.get("method"),
                "path_prefix": spec.get("path"),
                "remaining": int(spec.get("times", 1)),
                "params": params,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(faults), rows)


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(faults))


def take(engine: Engine, method: str, path: str) -> Fault | None:
    """The first scheduled fault that matches this request, consumed atomically (one request gets it)."""
    with engine.begin() as conn:
        for row in conn.execute(select(faults).where(faults.c.remaining > 0).order_by(faults.c.id)).all():
            if row.method and row.method.upper() != method.upper():
                continue
            if row.path_prefix and not path.startswith(row.path_prefix):
                continue
            skip = int(row.params.get("skip", 0))
            if skip > 0:
                fewer = {**row.params, "skip": skip - 1}
                conn.execute(update(faults).where(faults.c.id == row.id).values(params=fewer))
                continue
            chance = row.params.get("chance")
            if chance is not None and random.random() >= float(chance):
                continue
            taken = conn.execute(
                update(faults)
                .where(faults.c.id == row.id, faults.c.remaining > 0)
                .values(remaining=faults.c.remaining - 1)
            ).rowcount
            if taken == 1:
                return Fault(row.kind, dict(row.params))
    return None
