"""The Starlette application: the contract's routes over the pipeline, and problem+json for routing errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from deskchat.crm.server import admin, cases, contacts, history
from deskchat.crm.server.config import ServerConfig
from deskchat.crm.server.database import make_engine
from deskchat.crm.server.pipeline import AUTH, BATCH, READ, WRITE, Operation, Pipeline
from deskchat.crm.server.problems import ProblemError
from deskchat.crm.server.reads import AuthCalls, Reads


def _routes(pipeline: Pipeline, config: ServerConfig) -> list[Route]:
    reads, calls = Reads(config), AuthCalls(config)

    def route(path: str, method: str, operation: Operation) -> Route:
        return Route(path, pipeline.endpoint(operation), methods=[method])

    return [
        route("/auth/token", "POST", Operation(AUTH, calls.token, "TokenRequest")),
        route("/auth/refresh", "POST", Operation(AUTH, calls.refresh, "RefreshRequest")),
        route("/auth/revoke", "POST", Operation(AUTH, calls.revoke, "RevokeRequest")),
        route("/attendants", "GET", Operation(READ, reads.attendants)),
        route("/queues", "GET", Operation(READ, reads.queues)),
        route("/contacts", "GET", Operation(READ, reads.contacts)),
        route("/contacts", "POST", Operation(WRITE, contacts.create, "ContactCreate")),
        route("/contacts/{contact_id}", "GET", Operation(READ, reads.contact)),
        route("/contacts/{contact_id}", "PATCH", Operation(WRITE, contacts.patch, "ContactPatch", needs_if_match=True)),
        route("/cases", "GET", Operation(READ, reads.cases)),
        route("/cases", "POST", Operation(WRITE, cases.create, "CaseCreate")),
        route("/cases/{case_id}", "GET", Operation(READ, reads.case)),
        route("/cases/{case_id}", "PATCH", Operation(WRITE, cases.patch, "CasePatch", needs_if_match=True)),
        route("/cases/{case_id}/messages", "GET", Operation(READ, reads.messages)),
        route("/cases/{case_id}/messages", "POST", Operation(WRITE, history.append_messages, "MessageBatch")),
        route("/notes", "GET", Operation(READ, reads.notes)),
        route("/notes", "POST", Operation(WRITE, history.create_note, "NoteCreate")),
        route("/notes/{note_id}", "GET", Operation(READ, reads.note)),
        route("/batch", "POST", Operation(BATCH, reads.note)),  # the pipeline runs each operation's own handler
    ]


def _merge_methods(routes: list[Route]) -> list[Route]:
    """One Route per path, dispatching on the method, so a wrong method gets 405 with the full Allow list."""
    by_path: dict[str, list[Route]] = {}
    for one in routes:
        by_path.setdefault(one.path, []).append(one)
    merged = []
    for path, same in by_path.items():
        handlers = {method: one.endpoint for one in same for method in (one.methods or ())}

        async def dispatch(request: Request, handlers: dict[str, Callable[..., Any]] = handlers) -> Response:
            response: Response = await handlers[request.method](request)
            return response

        merged.append(Route(path, dispatch, methods=list(handlers)))
    return merged


async def _http_problem(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
    return ProblemError(error.status_code, slug, str(error.detail), headers=error.headers).response()


async def _server_problem(_request: Request, _error: Exception) -> Response:
    return ProblemError(500, "server-error", "The server failed to process the request.").response()


def create_app(config: ServerConfig, engine: Engine | None = None) -> Starlette:
    engine = engine or make_engine(config.database_url)
    pipeline = Pipeline(config, engine)
    routes: list[Route | Mount] = [Mount("/api/v1", routes=list(_merge_methods(_routes(pipeline, config))))]
    if config.faults:
        routes.extend(admin.routes(engine))
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_problem, Exception: _server_problem},
    )


def create_app_from_env() -> Starlette:
    """The factory each uvicorn worker process calls (settings come through the environment)."""
    return create_app(ServerConfig.from_env())
