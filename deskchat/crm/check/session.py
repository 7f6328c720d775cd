"""An HTTP session against the CRM as DeskChat holds one: base URL, tokens, and fresh keys and ids."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from deskchat.crm.check.report import RuleFailed, expect

PROBLEM_TYPE = "application/problem+json"


def new_id() -> str:
    return str(uuid.uuid4())


def new_message() -> dict[str, Any]:
    return {
        "id": new_id(),
        "direction": "in",
        "channel": "whatsapp",
        "body": "Mensagem de conformidade",
        "sent_at": "2026-01-02T03:04:05Z",
    }


def new_key() -> str:
    return f"check-{uuid.uuid4()}"


class Session:
    def __init__(self, base_url: str, user: str, password: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = self.base_url + "/api/v1"
        self.user = user
        self.password = password
        self.http = httpx.Client(timeout=timeout)
        self.access_token = ""
        self.refresh_token = ""

    def close(self) -> None:
        self.http.close()

    def login(self) -> dict[str, Any]:
        response = self.http.post(f"{self.api}/auth/token", json={"user": self.user, "password": self.password})
        expect(response.status_code == 200, f"POST /auth/token answered {response.status_code}, not 200")
        pair: dict[str, Any] = response.json()
        self.access_token, self.refresh_token = pair["access_token"], pair["refresh_token"]
        return pair

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", **extra}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.api}{path}", params=params, headers=self.headers())

    def write(
        self, method: str, path: str, body: Any, key: str | None = None, if_match: str | None = None
    ) -> httpx.Response:
        headers = self.headers()
        if key is not None:
            headers["Idempotency-Key"] = key
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.http.request(method, f"{self.api}{path}", json=body, headers=headers)

    def create_contact(self, name: str = "Conformidade") -> dict[str, Any]:
        body = {"id": new_id(), "name": name, "status": "lead", "source": "manual"}
        response = self.write("POST", "/contacts", body, new_key())
        expect(response.status_code == 201, f"POST /contacts answered {response.status_code}, not 201")
        created: dict[str, Any] = response.json()
        return created

    def any_queue_id(self) -> str:
        response = self.get("/queues", limit=1)
        expect(response.status_code == 200, f"GET /queues answered {response.status_code}")
        items = response.json()["items"]
        if not items:
            raise RuleFailed("the CRM has no queue to open a test case in")
        return str(items[0]["id"])

    def create_case(self, contact_id: str) -> dict[str, Any]:
        body = {
            "id": new_id(),
            "contact_id": contact_id,
            "queue_id": self.any_queue_id(),
            "subject": "Conformidade",
            "channel": "manual",
        }
        response = self.write("POST", "/cases", body, new_key())
        expect(response.status_code == 201, f"POST /cases answered {response.status_code}, not 201")
        created: dict[str, Any] = response.json()
        return created


def is_problem(response: httpx.Response, status: int) -> bool:
    if response.status_code != status:
        return False
    if not response.headers.get("content-type", "").startswith(PROBLEM_TYPE):
        return False
    try:
        doc = response.json()
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("status") == status and "title" in doc and "type" in doc


def describe(response: httpx.Response) -> str:
    return f"{response.status_code} {response.headers.get('content-type', '?')}"
