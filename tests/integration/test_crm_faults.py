"""The reference server's fault schedule (--faults) does what the client's fault tests will rely on: each kind
strikes once, before or after the commit as documented, and the ledger shows what the server really holds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-faults"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


class Client:
    def __init__(self, server: RunningServer) -> None:
        self.url = server.url
        self.http = httpx.Client(timeout=10)
        pair = self.http.post(f"{self.url}/api/v1/auth/token", json={"user": SEED_USER, "password": SEED_PASSWORD})
        self.token = pair.json()["access_token"]

    def schedule(self, **fault: Any) -> None:
        assert self.http.post(f"{self.url}/admin/faults", json=[fault]).status_code == 201

    def create(self, body: dict[str, Any], key: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": key}
        return self.http.post(f"{self.url}/api/v1/contacts", json=body, headers=headers)

    def held(self, contact_id: str) -> int:
        return int(self.http.get(f"{self.url}/admin/ledger").json()["contacts"].count(contact_id))


@pytest.fixture
def client(server: RunningServer) -> Iterator[Client]:
    made = Client(server)
    yield made
    made.http.delete(f"{server.url}/admin/faults")
    made.http.close()


def _contact() -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": "Cliente de teste", "status": "lead", "source": "whatsapp"}


@pytest.mark.parametrize("kind", ["lost_response", "reset_mid_body"])
def test_a_cut_connection_after_commit_leaves_the_record_once_and_the_retry_replays(client: Client, kind: str) -> None:
    body, key = _contact(), str(uuid.uuid4())
    client.schedule(kind=kind, method="POST", path="/contacts")
    with pytest.raises(httpx.RemoteProtocolError):
        client.create(body, key)
    assert client.held(body["id"]) == 1
    retry = client.create(body, key)
    assert (retry.status_code, retry.headers["idempotent-replayed"]) == (201, "true")
    assert client.held(body["id"]) == 1


def test_a_500_after_commit_is_replaced_by_the_stored_201_on_retry(client: Client) -> None:
    body, key = _contact(), str(uuid.uuid4())
    client.schedule(kind="error_after_commit")
    failed = client.create(body, key)
    assert (failed.status_code, failed.headers["content-type"]) == (500, "application/problem+json")
    assert client.held(body["id"]) == 1
    assert client.create(body, key).status_code == 201


@pytest.mark.parametrize("kind", ["error_before_commit", "html_200"])
def test_a_failure_before_commit_stores_nothing_and_the_retry_runs_for_real(client: Client, kind: str) -> None:
    body, key = _contact(), str(uuid.uuid4())
    client.schedule(kind=kind)
    failed = client.create(body, key)
    assert failed.status_code == (500 if kind == "error_before_commit" else 200)
    assert client.held(body["id"]) == 0
    retry = client.create(body, key)
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
    assert client.held(body["id"]) == 1


def test_an_html_page_with_status_200_is_what_a_captive_portal_sends(client: Client) -> None:
    client.schedule(kind="html_200")
    page = client.create(_contact(), str(uuid.uuid4()))
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")


def test_a_stored_500_is_replayed_to_every_retry(client: Client) -> None:
    body, key = _contact(), str(uuid.uuid4())
    client.schedule(kind="stored_error")
    assert client.create(body, key).status_code == 500
    retry = client.create(body, key)
    assert (retry.status_code, retry.headers["idempotent-replayed"]) == (500, "true")
    assert client.held(body["id"]) == 0


def test_malformed_json_arrives_with_the_real_status_after_commit(client: Client) -> None:
    body = _contact()
    client.schedule(kind="malformed_json")
    response = client.create(body, str(uuid.uuid4()))
    assert response.status_code == 201
    with pytest.raises(ValueError):
        response.json()
    assert client.held(body["id"]) == 1


@pytest.mark.parametrize("retry_after", ["7", "Wed, 21 Oct 2015 07:28:00 GMT", None])
@pytest.mark.parametrize("status", [503, 429])
def test_a_refusal_carries_retry_after_as_scheduled_and_runs_nothing(
    client: Client, status: int, retry_after: str | None
) -> None:
    body = _contact()
    client.schedule(kind="status", status=status, **({"retry_after": retry_after} if retry_after else {}))
    refused = client.create(body, str(uuid.uuid4()))
    assert refused.status_code == status
    assert refused.headers.get("retry-after") == retry_after
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.held(body["id"]) == 0


def test_a_fault_strikes_only_its_method_and_path_and_only_as_often_as_scheduled(client: Client) -> None:
    client.schedule(kind="status", status=503, method="POST", path="/contacts", times=2)
    headers = {"Authorization": f"Bearer {client.token}"}
    assert client.http.get(f"{client.url}/api/v1/contacts", headers=headers).status_code == 200
    codes = [client.create(_contact(), str(uuid.uuid4())).status_code for _ in range(3)]
    assert codes == [503, 503, 201]


def test_the_fault_endpoints_exist_only_with_the_faults_flag(tmp_path: Path) -> None:
    with crm_server(f"sqlite:///{tmp_path / 'crm.sqlite3'}", tmp_path / "server.log") as plain:
        response = httpx.post(f"{plain.url}/admin/faults", json=[{"kind": "status"}])
    assert response.status_code == 404
