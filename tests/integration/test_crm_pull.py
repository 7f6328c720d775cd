"""The first pull over real HTTP: the directory (queues, attendants) into its own tables, then the signed-in
attendant's cases and their queues' cases — each with its contact — before the rest of the CRM; the CRM's case
numbers ("#123") are kept and find a case from an e-mail's "[Caso #123]"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from crm_desk import Desk
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server

from deskchat.crm.client import CrmClient
from deskchat.crm.server.seed import seed_id
from deskchat.services.crm_pull import CrmPull
from deskchat.store import crm_directory, crm_records
from deskchat.store.database import Store


class RecordingTransport(httpx.AsyncBaseTransport):
    """Real HTTP; remembers each GET as (path, query) in order."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.reads: list[tuple[str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            query = {name: values[0] for name, values in parse_qs(request.url.query.decode()).items()}
            self.reads.append((request.url.path.removeprefix("/api/v1"), query))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp("crm-pull"))
    with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log", "--faults") as running:
        yield running


def test_the_first_pull_brings_my_cases_and_my_queues_before_the_rest(store: Store, server: RunningServer) -> None:
    transport = RecordingTransport()

    async def scenario() -> None:
        desk = Desk(store, server.url)  # its account; the pull below uses a client that records what it reads
        client = CrmClient(server.url, transport=transport)
        try:
            await client.sign_in(SEED_USER, SEED_PASSWORD)
            pull = CrmPull(store, client, desk.account_id)
            counts = await pull.pull_once()
            assert counts.mine >= 2 and counts.cases >= 3
            assert (await pull.pull_once()).mine == 0, "the attendant's cases come first only on the first pull"
        finally:
            await client.aclose()
            await desk.close()

    asyncio.run(scenario())

    reads = [(path, query) for path, query in transport.reads if path in ("/contacts", "/cases")]
    first_unfiltered = next(i for i, (_path, query) in enumerate(reads) if set(query) <= {"limit", "updated_since"})
    ahead = [query for _path, query in reads[:first_unfiltered]]
    assert ahead[0] == {"limit": "200", "assignee_id": seed_id("ana")}, "my cases first"
    assert {query.get("queue_id") for query in ahead[1:]} == {seed_id("comercial"), seed_id("suporte")}, "my queues"
    assert reads[first_unfiltered][0] == "/contacts", "then the rest of the CRM"

    with store.read() as conn:
        assert crm_directory.queue_names(conn) == {
            seed_id("comercial"): "Comercial",
            seed_id("financeiro"): "Financeiro",
            seed_id("suporte"): "Suporte",
        }
        assert sorted(crm_directory.my_queue_ids(conn)) == sorted([seed_id("comercial"), seed_id("suporte")])
        assert crm_directory.attendant_names(conn)[seed_id("bruno")] == "Bruno Lima"
        mine = crm_records.case_by_crm_id(conn, seed_id("caso-padaria"))
        assert mine is not None and mine.display_number.startswith("#")
        assert (mine.assignee, mine.queue) == ("Ana Souza", "Comercial")
        client = crm_records.client_by_crm_id(conn, seed_id("padaria"))
        assert client is not None and client.name == "Padaria Pão Dourado"
        number = mine.display_number.removeprefix("#")
        assert crm_directory.case_id_by_tag(conn, number) == crm_directory.case_id_by_tag(conn, f"#{number}")
        assert crm_directory.case_id_by_tag(conn, number) is not None
