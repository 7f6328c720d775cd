"""A mail whose body came with its headers keeps its sanitised HTML, in one message or in a bulk batch."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskchat.core.bus import EventBus
from deskchat.core.messages import Identity, IdentityKind, InboundMessage
from deskchat.paths import Profile
from deskchat.services.ingest import BULK_THRESHOLD, IngestService
from deskchat.store import accounts, sync_steps
from deskchat.store.database import Store


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


def _mail(account_id: int, number: int) -> InboundMessage:
    address = f"c{number}@cliente.com.br"
    return InboundMessage(
        account_id=account_id,
        chat_key=address,
        chat_title=address,
        identities=(Identity(IdentityKind.EMAIL, address),),
        channel_id=f"m{number}@cliente.com.br",
        text=f"Pedido {number}",
        sent_at=1_700_000_000_000 + number,
        kind="email",
        subject=f"Pedido {number}",
        html=f"<p>Pedido <b>{number}</b></p>",
    )


@pytest.mark.parametrize("count", [1, BULK_THRESHOLD])
def test_html_that_came_with_the_headers_is_stored(db: Store, count: int) -> None:
    account_id = db.write_now(
        lambda conn: accounts.create_account(conn, "email", "suporte@empresa.com.br", "Suporte", now=1)
    )
    ingest = IngestService(db, EventBus())
    results = asyncio.run(ingest.ingest([_mail(account_id, n) for n in range(count)]))
    with db.read() as conn:
        shown = [sync_steps.mail_html(conn, result.message_id or 0) for result in results]
    assert shown == [f"<p>Pedido <b>{n}</b></p>" for n in range(count)]
