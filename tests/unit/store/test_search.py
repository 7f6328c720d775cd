"""Full-text search: words, prefixes, accents, hostile input, both orders."""

from __future__ import annotations

from typing import Any

import pytest

from deskchat.core.messages import Identity, InboundMessage
from deskchat.services.ingest import store_batch
from deskchat.store import accounts, search
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

TEXTS = [
    "Bom dia, o pedido 5531 já saiu para entrega",
    "Segue o boleto do pedido",
    "A entrega atrasou por causa da chuva",
    "Preciso da nota fiscal da última compra",
    "Os pedidos de sexta já foram faturados",
    "Orçamento aprovado, pode emitir a nota",
    "pedido pedido pedido: três vezes a mesma palavra",
]


@pytest.fixture
def filled(store: Store) -> Store:
    def work(conn: Any) -> None:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        store_batch(
            conn,
            [
                InboundMessage(
                    account_id=account,
                    chat_key="5511987654321@s.whatsapp.net",
                    chat_title="Ana",
                    identities=[Identity("phone", "+5511987654321")],
                    channel_id=f"M{n}",
                    text=text,
                    sent_at=1_700_000_000_000 + n,
                )
                for n, text in enumerate(TEXTS)
            ],
            now=now_ms(),
        )

    store.write_now(work)
    return store


def _texts(hits: list[search.SearchHit]) -> list[str]:
    return [hit.text for hit in hits]


def test_newest_first_with_whole_words_then_completions(filled: Store) -> None:
    with filled.read() as conn:
        hits = search.search_newest(conn, "pedido", 10)
    # whole-word matches newest first, then "pedidos" as the completion of the last word
    assert _texts(hits) == [TEXTS[6], TEXTS[1], TEXTS[0], TEXTS[4]]


def test_a_word_being_typed_is_completed_and_accents_do_not_matter(filled: Store) -> None:
    with filled.read() as conn:
        assert _texts(search.search_newest(conn, "entreg", 10)) == [TEXTS[2], TEXTS[0]]
        assert _texts(search.search_newest(conn, "orcamento", 10)) == [TEXTS[5]]
        assert _texts(search.search_newest(conn, "NOTA fiscal", 10)) == [TEXTS[3]]


def test_ranked_puts_the_best_match_first(filled: Store) -> None:
    with filled.read() as conn:
        ranked = search.search_ranked(conn, "pedido", 10)
    assert ranked[0].text == TEXTS[6]
    assert set(_texts(ranked)) == {TEXTS[0], TEXTS[1], TEXTS[4], TEXTS[6]}


@pytest.mark.parametrize("hostile", ['"', "pedido OR", "NEAR(a b)", "*", "-pedido", 'pedido" OR "x', "  "])
def test_operators_typed_by_the_attendant_are_just_text(filled: Store, hostile: str) -> None:
    with filled.read() as conn:
        search.search_newest(conn, hostile, 10)  # never an FTS syntax error
        search.search_ranked(conn, hostile, 10)
