"""Test-only endpoints, mounted only with --faults: the fault schedule and the ledger of what the server holds."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from deskchat.crm.server import faults
from deskchat.crm.server.schema import case_messages, cases, contacts, idempotency_keys, notes


def routes(engine: Engine) -> list[Route]:
    async def schedule(request: Request) -> Response:
        specs: Any = json.loads(await request.body())
        if isinstance(specs, dict):
            specs = [specs]
        try:
            await run_in_threadpool(faults.schedule, engine, specs)
        except (ValueError, TypeError) as error:
            return JSONResponse({"error": str(error)}, 400)
        return Response(status_code=201)

    async def clear(_request: Request) -> Response:
        await run_in_threadpool(faults.clear, engine)
        return Response(status_code=204)

    def read_ledger() -> dict[str, Any]:
        with engine.connect() as conn:
            ledger: dict[str, Any] = {
                name: sorted(conn.execute(select(table.c.id)).scalars().all())
                for name, table in (
                    ("contacts", contacts),
                    ("cases", cases),
                    ("messages", case_messages),
                    ("notes", notes),
                )
            }
            ledger["idempotency_keys"] = conn.execute(select(func.count()).select_from(idempotency_keys)).scalar_one()
        return ledger

    async def ledger(_request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(read_ledger))

    return [
        Route("/admin/faults", schedule, methods=["POST"]),
        Route("/admin/faults", clear, methods=["DELETE"]),
        Route("/admin/ledger", ledger, methods=["GET"]),
    ]
