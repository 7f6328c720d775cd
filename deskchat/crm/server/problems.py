"""Errors as RFC 9457 problem documents (application/problem+json)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

PROBLEM_BASE = "https://deskchat.example/problems/"
PROBLEM_TYPE = "application/problem+json"


class ProblemError(Exception):
    """Raised anywhere in a request; answered as a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.errors = errors

    def body(self) -> dict[str, object]:
        doc: dict[str, object] = {"type": PROBLEM_BASE + self.slug, "title": self.title, "status": self.status}
        if self.detail:
            doc["detail"] = self.detail
        if self.errors:
            doc["errors"] = self.errors
        return doc

    def response(self, *, plain: bool = False) -> Response:
        if plain:  # a rule broken on purpose: errors as plain text
            return Response(self.title, self.status, headers=self.headers, media_type="text/plain")
        return Response(json.dumps(self.body()), self.status, headers=self.headers, media_type=PROBLEM_TYPE)
