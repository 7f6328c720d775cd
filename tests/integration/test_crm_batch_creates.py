"""A ``POST /batch`` of many new contacts (what a drain of new leads sends) answers each operation exactly as its
single create would, on SQLite and on PostgreSQL: created, 409 for an id already held (also a second create of
one id in the same batch), 404 for an unknown responsible attendant; a replay returns the first answers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from crm_stack import SEED_PASSWORD, SEED_USER, RunningServer, crm_server, running_postgres

from deskchat.crm.client import BatchOperation, CrmClient
from deskchat.crm.server.seed import seed_id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = Path(tmp_path_factory.mktemp(f"crm-batch-{request.param}"))
    if request.param == "sqlite":
        with crm_server(f"sqlite:///{folder / 'crm.sqlite3'}", folder / "server.log") as running:
            yield running
        return
    with running_postgres() as postgres, crm_server(postgres.create_database("b"), folder / "server.log") as running:
        yield running


def _create(contact_id: str, name: str, **extra: object) -> BatchOperation:
    body = {"id": contact_id, "name": name, "status": "lead", "source": "whatsapp", **extra}
    return BatchOperation(f"key-{uuid.uuid4()}", "POST", "/contacts", body)


def test_each_contact_of_a_batch_gets_the_answer_its_own_create_would_get(server: RunningServer) -> None:
    async def scenario() -> None:
        client = CrmClient(server.url)
        try:
            await client.sign_in(SEED_USER, SEED_PASSWORD)
            held, first, second, orphan, twice = (str(uuid.uuid4()) for _ in range(5))
            await client.create("contacts", _create(held, "Já no CRM").body, f"key-{uuid.uuid4()}")
            operations = [
                _create(first, "Primeira", phones=["+5511987654321"], score=7.0),
                _create(held, "Repetida"),
                _create(twice, "Duas vezes"),
                _create(twice, "Duas vezes de novo"),
                _create(orphan, "Sem responsável", responsible_id=str(uuid.uuid4())),
                _create(second, "Segunda", responsible_id=seed_id("ana"), sales_stage="proposta"),
            ]
            answers = await client.batch(operations)
            assert [answer.status for answer in answers] == [201, 409, 201, 409, 404, 201]
            assert answers[0].body is not None and answers[0].body["score"] == 7
            assert answers[0].body["phones"] == ["+5511987654321"] and answers[0].etag == '"1"'
            assert answers[5].body is not None and answers[5].body["responsible_id"] == seed_id("ana")
            assert (await client.get("contacts", orphan)) is None
            kept = await client.get("contacts", twice)
            assert kept is not None and kept.body["name"] == "Duas vezes"
            created = await client.get("contacts", second)
            assert created is not None and created.body["sales_stage"] == "proposta"

            replayed = await client.batch(operations)
            assert [answer.status for answer in replayed] == [201, 409, 201, 409, 404, 201]
            assert [answer.body for answer in replayed] == [answer.body for answer in answers]
        finally:
            await client.aclose()

    asyncio.run(scenario())
