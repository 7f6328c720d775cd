"""Tests of deskchat.demo: the demo day (populate_demo) and bulk benchmark data (generate_bulk and its steps)."""

from __future__ import annotations

import io
import random
import re
import string
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Connection

from deskchat.core.identity import normalize_email, normalize_phone
from deskchat.core.linking import case_ids
from deskchat.demo import (
    BIG_CONVERSATION_MESSAGES,
    DemoSummary,
    batches_for,
    finish_bulk,
    generate_bulk,
    message_batches,
    populate_demo,
    prepare_bulk,
    spread,
    write_batches,
)
from deskchat.demo.brazil import cnpj_digits, format_cnpj, is_valid_cnpj
from deskchat.demo.sample_chats import CLOSINGS, LEAD_SCRIPTS, NEW_REQUESTS, SCRIPTS
from deskchat.demo.sample_mail import THREADS
from deskchat.paths import Profile
from deskchat.store import conversations, search
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

#: A Wednesday, 15:30 local time: a working day well under way.
NOW = int(datetime(2024, 6, 12, 15, 30).timestamp() * 1000)
TODAY_8H = int(datetime(2024, 6, 12, 8, 0).timestamp() * 1000)

DEMO_TABLES = (
    "accounts",
    "contacts",
    "contact_identities",
    "conversations",
    "messages",
    "attachments",
    "reactions",
    "crm_clients",
    "crm_cases",
    "conversation_cases",
    "integration_log",
)


def _open(path: Path) -> Store:
    return Store.open(Profile(path), ephemeral=True)


def _rows(conn: Connection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.exec_driver_sql(sql, params).fetchall()]


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.read() as conn:
        return {table: _rows(conn, f"SELECT * FROM {table} ORDER BY 1, 2") for table in DEMO_TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    store = _open(tmp_path_factory.mktemp("demo") / "p")
    summary = populate_demo(store, now_ms=NOW, seed=7)
    yield store, summary
    store.close()


@pytest.fixture
def conn(demo: tuple[Store, DemoSummary]) -> Iterator[Connection]:
    with demo[0].read() as connection:
        yield connection


# -- the demo day ---------------------------------------------------------------------------------------------


def test_summary_matches_the_store(demo: tuple[Store, DemoSummary], conn: Connection) -> None:
    _, summary = demo
    assert summary.contacts >= 45
    assert summary.contacts == _rows(conn, "SELECT count(*) FROM contacts")[0][0]
    assert summary.conversations == _rows(conn, "SELECT count(*) FROM conversations")[0][0]
    assert summary.messages == _rows(conn, "SELECT count(*) FROM messages")[0][0]


def test_two_accounts_one_per_channel(conn: Connection) -> None:
    accounts = _rows(conn, "SELECT kind, name, address FROM accounts ORDER BY id")
    assert [kind for kind, _, _ in accounts] == ["whatsapp", "email", "crm"]  # the CRM one only queues (no server)
    assert accounts[0][2].startswith("+55 11 9")
    assert accounts[1][2] == "atendimento@distribuidora-exemplo.com.br"


def test_conversations_fill_all_tabs_and_both_channels(conn: Connection) -> None:
    counts = conversations.count_by_status(conn)
    assert 10 <= counts["pending"] <= 14
    assert 17 <= counts["open"] <= 23
    assert 12 <= counts["closed"] <= 18
    for status in ("pending", "open", "closed"):
        channels = {row.channel for row in conversations.page(conn, status)}
        assert channels == {"whatsapp", "email"}, status
    per_channel = Counter(
        kind for (kind,) in _rows(conn, "SELECT a.kind FROM conversations c JOIN accounts a ON a.id = c.account_id")
    )
    assert 0.55 < per_channel["whatsapp"] / per_channel.total() < 0.8


def test_several_pending_conversations_have_unread_badges(conn: Connection) -> None:
    badges = [row.unread_count for row in conversations.page(conn, "pending")]
    assert sum(1 for badge in badges if badge > 0) >= 6
    assert all(row.unread_count == 0 for row in conversations.page(conn, "closed"))


def test_unread_badges_count_the_trailing_incoming_messages(conn: Connection) -> None:
    for conversation_id, unread in _rows(conn, "SELECT id, unread_count FROM conversations WHERE unread_count > 0"):
        directions = [
            o
            for (o,) in _rows(
                conn,
                "SELECT outgoing FROM messages WHERE conversation_id = ? ORDER BY sent_at DESC, id DESC",
                conversation_id,
            )
        ]
        assert directions[:unread] == [0] * unread
        assert len(directions) == unread or directions[unread] == 1


def test_list_rows_show_the_last_message(conn: Connection) -> None:
    rows = _rows(
        conn,
        "SELECT c.last_message_at, (SELECT max(sent_at) FROM messages m WHERE m.conversation_id = c.id), "
        "c.last_preview, c.status, c.closed_at FROM conversations c",
    )
    for last_at, newest, preview, status, closed_at in rows:
        assert last_at == newest
        assert preview
        assert (closed_at is not None) == (status == "closed")
        if closed_at is not None:
            assert newest <= closed_at <= NOW


def test_each_conversation_has_5_to_40_messages_in_order_and_in_the_past(conn: Connection) -> None:
    for conversation_id, count in _rows(
        conn, "SELECT conversation_id, count(*) FROM messages GROUP BY conversation_id"
    ):
        assert 5 <= count <= 40
        times = [
            t
            for (t,) in _rows(
                conn, "SELECT sent_at FROM messages WHERE conversation_id = ? ORDER BY id", conversation_id
            )
        ]
        assert times == sorted(times)
        assert times[-1] <= NOW


def test_messages_span_today_and_earlier_days(conn: Connection) -> None:
    today = _rows(conn, "SELECT count(*) FROM messages WHERE sent_at >= ?", TODAY_8H)[0][0]
    earlier = _rows(conn, "SELECT count(*) FROM messages WHERE sent_at < ?", TODAY_8H)[0][0]
    assert today > 100
    assert earlier > 100
    closed_last = [t for (t,) in _rows(conn, "SELECT last_message_at FROM conversations WHERE status = 'closed'")]
    assert sum(1 for t in closed_last if t < TODAY_8H) >= 8


def test_outgoing_messages_have_several_delivery_states_and_incoming_are_received(conn: Connection) -> None:
    outgoing = {state for (state,) in _rows(conn, "SELECT DISTINCT delivery FROM messages WHERE outgoing = 1")}
    assert {"sent", "delivered", "read"} <= outgoing
    assert outgoing <= {"sent", "delivered", "read", "played"}
    incoming = {state for (state,) in _rows(conn, "SELECT DISTINCT delivery FROM messages WHERE outgoing = 0")}
    assert incoming == {"received"}


def test_attachments_of_several_kinds_with_real_thumbnails(conn: Connection) -> None:
    kinds = {kind for (kind,) in _rows(conn, "SELECT DISTINCT kind FROM messages")}
    assert {"text", "image", "document", "voice", "video", "sticker", "email"} <= kinds
    rows = _rows(
        conn,
        "SELECT m.kind, m.text, a.file_name, a.mime, a.size, a.thumbnail, a.remote_ref "
        "FROM attachments a JOIN messages m ON m.id = a.message_id",
    )
    mimes = {mime for _, _, _, mime, _, _, _ in rows}
    assert {"image/jpeg", "application/pdf", "audio/ogg", "video/mp4", "image/webp"} <= mimes
    assert any(name.endswith(".xlsx") for _, _, name, _, _, _, _ in rows)
    for kind, text, name, mime, size, thumbnail, remote_ref in rows:
        assert size > 0 and remote_ref == ""
        if kind == "voice":
            assert text == "" and name.endswith(".ogg") and mime == "audio/ogg"
        if mime == "image/jpeg" or kind in ("video", "sticker"):
            assert thumbnail is not None
            with Image.open(io.BytesIO(thumbnail)) as image:
                assert image.width > 0
        if kind == "document":
            assert thumbnail is None
    without_file = _rows(
        conn,
        "SELECT count(*) FROM messages WHERE kind IN ('image', 'document', 'voice', 'video', 'sticker') "
        "AND id NOT IN (SELECT message_id FROM attachments)",
    )
    assert without_file == [(0,)]


def test_replies_point_to_earlier_messages_of_the_same_conversation(conn: Connection) -> None:
    rows = _rows(
        conn,
        "SELECT m.conversation_id, m.sent_at, t.conversation_id, t.sent_at FROM messages m "
        "LEFT JOIN messages t ON t.account_id = m.account_id AND t.channel_id = m.reply_to_channel_id "
        "WHERE m.reply_to_channel_id IS NOT NULL",
    )
    assert len(rows) >= 10
    for conversation_id, sent_at, target_conversation, target_sent_at in rows:
        assert target_conversation == conversation_id
        assert target_sent_at <= sent_at


def test_some_messages_have_reactions(conn: Connection) -> None:
    reactions = _rows(
        conn, "SELECT r.emoji, r.reacted_at, m.sent_at FROM reactions r JOIN messages m ON m.id = r.message_id"
    )
    assert len(reactions) >= 3
    assert all(sent_at <= reacted_at <= NOW for _, reacted_at, sent_at in reactions)


def test_email_threads_have_subjects_with_case_tags_and_replies(conn: Connection) -> None:
    subjects = [s for (s,) in _rows(conn, "SELECT subject FROM messages WHERE kind = 'email'")]
    assert all(subjects)
    assert any(s.startswith("RE: ") for s in subjects)
    tagged = [s for s in subjects if "[Caso #" in s]
    assert len({s for s in tagged}) >= 3
    numbers = {n.lstrip("#") for (n,) in _rows(conn, "SELECT display_number FROM crm_cases")}
    for subject in tagged:
        assert set(case_ids(subject)) <= numbers
    bodies = [t for (t,) in _rows(conn, "SELECT text FROM messages WHERE kind = 'email' AND outgoing = 1")]
    assert all("\n\n" in body and "Distribuidora Exemplo" in body for body in bodies)


def test_cases_in_several_states_linked_to_conversations(conn: Connection) -> None:
    cases = _rows(conn, "SELECT display_number, status, queue, priority FROM crm_cases")
    assert len(cases) >= 12
    assert len({status for _, status, _, _ in cases}) >= 3
    assert {status for _, status, _, _ in cases} == {"pendente", "em_atendimento", "encerrado"}  # the CRM's words
    assert {queue for _, _, queue, _ in cases} == {"Vendas", "Suporte", "Financeiro"}
    assert {priority for _, _, _, priority in cases} <= {"baixa", "normal", "alta", "urgente"}
    assert all(re.fullmatch(r"#[0-9]{4}", number) for number, _, _, _ in cases)
    links = _rows(
        conn,
        "SELECT cc.linked_by, cs.status, c.status, cs.contact_id = c.contact_id FROM conversation_cases cc "
        "JOIN crm_cases cs ON cs.id = cc.case_id JOIN conversations c ON c.id = cc.conversation_id",
    )
    assert len(links) >= 8
    assert {"phone", "subject"} <= {linked_by for linked_by, _, _, _ in links}
    assert all(same_contact for _, _, _, same_contact in links)
    assert {case_status for _, case_status, conversation_status, _ in links if conversation_status != "closed"} >= {
        "pendente",
        "em_atendimento",
    }


def test_crm_clients_have_valid_cnpjs_and_known_values(conn: Connection) -> None:
    clients = _rows(
        conn,
        "SELECT crm_id, name, cnpj, company_type, credit_limit_cents, debt_cents, sales_stage, responsible "
        "FROM crm_clients",
    )
    assert len(clients) >= 25
    people = [client for client in clients if not client[2]]  # customers with a case who are persons: no CNPJ
    assert len(people) <= 5 and all(client[1] and client[6] == "novo" for client in people)
    clients = [client for client in clients if client[2]]
    for _, name, cnpj, company_type, limit, debt, stage, responsible in clients:
        assert name and responsible
        assert is_valid_cnpj(cnpj) and len(cnpj) == 14  # as the CRM holds it
        assert company_type in {"MEI", "ME", "EPP", "LTDA", "S.A."}
        assert stage in {"novo", "qualificado", "proposta", "negociacao", "ganho", "perdido"}
        assert limit > 0 and debt >= 0
    assert len({stage for *_, stage, _ in clients}) >= 3
    unknown = _rows(conn, "SELECT count(*) FROM contacts WHERE id NOT IN (SELECT contact_id FROM crm_clients)")[0][0]
    assert unknown >= 5


def test_cnpj_check_digits() -> None:
    assert format_cnpj(cnpj_digits("11222333")) == "11.222.333/0001-81"
    assert is_valid_cnpj("11.222.333/0001-81")
    assert not is_valid_cnpj("11.222.333/0001-82")
    assert not is_valid_cnpj("11.111.111/1111-11")


def test_identities_are_canonical(conn: Connection) -> None:
    identities = _rows(conn, "SELECT contact_id, kind, value FROM contact_identities")
    kinds = Counter(kind for _, kind, _ in identities)
    assert kinds["phone"] >= 45 and kinds["wa_pn"] >= 25 and kinds["email"] >= 20 and kinds["crm"] >= 25
    phones = {contact: value for contact, kind, value in identities if kind == "phone"}
    for contact, kind, value in identities:
        if kind == "phone":
            assert normalize_phone(value) == value
        elif kind == "wa_pn":
            assert phones[contact] == "+" + value
        elif kind == "email":
            assert normalize_email(value) == value
    names = [name for (name,) in _rows(conn, "SELECT display_name FROM contacts")]
    assert any(any(ch in name for ch in "áâãéêíóôõúç") for name in names)


def test_whatsapp_conversations_are_keyed_by_jid(conn: Connection) -> None:
    for key, kind in _rows(
        conn, "SELECT c.channel_key, a.kind FROM conversations c JOIN accounts a ON a.id = c.account_id"
    ):
        if kind == "whatsapp":
            assert key.endswith("@s.whatsapp.net") and key.split("@")[0].isdigit()
        else:
            assert key.startswith("<") and key.endswith(">") and "@" in key


def test_integration_log_has_connections_and_an_error(conn: Connection) -> None:
    entries = _rows(conn, "SELECT level, event, at FROM integration_log ORDER BY id")
    events = {event for _, event, _ in entries}
    assert {"QR Code exibido", "Conectado"} <= events
    assert any(level == "error" for level, _, _ in entries)
    times = [at for _, _, at in entries]
    assert times == sorted(times) and times[-1] <= NOW


def test_texts_have_every_placeholder_filled(conn: Connection) -> None:
    texts = _rows(
        conn,
        "SELECT text || subject FROM messages UNION ALL SELECT title FROM crm_cases "
        "UNION ALL SELECT file_name FROM attachments",
    )
    for (text,) in texts:
        assert "{" not in text and "}" not in text, text
        assert ", !" not in text and ", ," not in text, text


def test_portuguese_words_are_searchable(conn: Connection) -> None:
    assert search.search_newest(conn, "boleto")
    assert search.search_newest(conn, "orcamento")  # diacritics are folded


def test_the_scripts_only_use_known_placeholders() -> None:
    known = {
        "nome", "atendente", "atendente_completo", "loja", "empresa", "dominio", "pedido", "nf", "valor", "limite",
        "produto", "produto2", "qtd", "qtd_menos", "cidade", "endereco", "data_entrega", "data_venc", "data_vencida",
        "caso", "transportadora", "cnpj_loja", "cnpj_cliente", "foto", "foto2", "saudacao", "email_financeiro",
        "whatsapp_loja", "telefone_loja",
    }  # fmt: skip
    texts = [t.text + t.file for s in (*SCRIPTS, *LEAD_SCRIPTS) for t in s.turns]
    texts += [s.case_title for s in SCRIPTS] + [t.text for group in (*NEW_REQUESTS, *CLOSINGS) for t in group]
    texts += [x for thread in THREADS for x in (thread.subject, thread.case_title)]
    texts += [x for thread in THREADS for mail in thread.turns for x in (mail.body, *mail.attachments)]
    used = {field for text in texts for _, field, _, _ in string.Formatter().parse(text) if field}
    assert used <= known


def test_the_demo_is_deterministic_for_a_seed_and_a_time(tmp_path: Path, demo: tuple[Store, DemoSummary]) -> None:
    again = _open(tmp_path / "again")
    other = _open(tmp_path / "other")
    try:
        assert populate_demo(again, now_ms=NOW, seed=7) == demo[1]
        populate_demo(other, now_ms=NOW, seed=8)
        assert _dump(again) == _dump(demo[0])
        assert _dump(other)["messages"] != _dump(demo[0])["messages"]
    finally:
        again.close()
        other.close()


def test_the_demo_defaults_to_the_current_time(tmp_path: Path) -> None:
    store = _open(tmp_path / "now")
    try:
        before = now_ms()
        summary = populate_demo(store)
        with store.read() as connection:
            newest = _rows(connection, "SELECT max(sent_at) FROM messages")[0][0]
        assert summary.conversations >= 40
        assert before - 3 * 3_600_000 < newest <= now_ms()
    finally:
        store.close()


# -- bulk data ------------------------------------------------------------------------------------------------


def test_spread_gives_the_first_conversation_50k_of_a_large_set() -> None:
    counts = spread(1_000_000, 20_000, random.Random(1))
    assert counts[0] == BIG_CONVERSATION_MESSAGES == 50_000
    assert sum(counts) == 1_000_000
    assert min(counts) >= 1 and max(counts[1:]) < 50_000
    assert len(set(counts[1:])) > 50  # uneven


def test_spread_of_a_small_set() -> None:
    counts = spread(2_000, 50, random.Random(1))
    assert sum(counts) == 2_000 and counts[0] == max(counts) and min(counts) >= 1
    assert spread(10, 50, random.Random(1))[0] == 5
    assert sum(spread(10, 50, random.Random(1))) == 10
    with pytest.raises(ValueError):
        spread(10, 0, random.Random(1))


def test_generate_bulk_writes_exactly_the_messages_asked_for(tmp_path: Path) -> None:
    store = _open(tmp_path / "bulk")
    progress: list[tuple[int, int]] = []
    try:
        result = generate_bulk(
            store,
            conversations=50,
            messages=2_000,
            seed=3,
            batch=300,
            on_progress=lambda *p: progress.append(p),
            now_ms=NOW,
        )
        with store.read() as connection:
            assert _rows(connection, "SELECT count(*) FROM messages")[0][0] == 2_000
            assert _rows(connection, "SELECT count(*) FROM conversations")[0][0] == 50
            per_conversation = dict(_rows(connection, "SELECT conversation_id, count(*) FROM messages GROUP BY 1"))
            assert per_conversation[result.big_conversation_id] == max(per_conversation.values()) == 1_000
            assert result.big_conversation_id == result.conversation_ids[0] == min(result.conversation_ids)
            rows = _rows(
                connection,
                "SELECT c.id, c.status, c.unread_count, c.last_message_at, c.last_preview, c.last_outgoing, "
                "(SELECT max(sent_at) FROM messages m WHERE m.conversation_id = c.id) FROM conversations c",
            )
            assert {status for _, status, *_ in rows} == {"pending", "open", "closed"}
            for conversation_id, status, unread, last_at, preview, last_outgoing, newest in rows:
                assert last_at == newest and preview
                assert 0 < last_at <= NOW
                if unread:
                    assert status != "closed" and last_outgoing == 0
                times = [
                    t
                    for (t,) in _rows(
                        connection,
                        "SELECT sent_at FROM messages WHERE conversation_id = ? ORDER BY id",
                        conversation_id,
                    )
                ]
                assert times == sorted(times)
            assert sum(1 for _, status, unread, *_ in rows if status == "pending" and unread) >= 1
            assert search.search_newest(connection, "pedido")
            kinds = {kind for (kind,) in _rows(connection, "SELECT DISTINCT kind FROM messages")}
            assert kinds == {"text", "email"}
        assert progress[-1] == (2_000, 2_000)
        assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    finally:
        store.close()


def test_bulk_steps_let_a_benchmark_time_the_ingest_alone(tmp_path: Path) -> None:
    store = _open(tmp_path / "steps")
    try:
        result = prepare_bulk(store, conversations=10, messages=500, seed=5, now_ms=NOW)
        with store.read() as connection:
            assert _rows(connection, "SELECT count(*) FROM conversations")[0][0] == 10
            assert _rows(connection, "SELECT count(*) FROM messages")[0][0] == 0
        batches = list(batches_for(result.specs, batch=128, seed=5, now_ms=NOW))
        assert [len(b) for b in batches] == [128, 128, 128, 116]
        assert batches == list(batches_for(result.specs, batch=128, seed=5, now_ms=NOW))  # deterministic
        assert write_batches(store, batches, now=now_ms()) == 500
        assert write_batches(store, batches, now=now_ms()) == 0  # duplicates are skipped
        finish_bulk(store, result)
        with store.read() as connection:
            assert _rows(connection, "SELECT count(*) FROM conversations WHERE last_preview = ''")[0][0] == 0
    finally:
        store.close()


def test_message_batches_for_existing_conversations() -> None:
    batches = list(message_batches([7, 8, 9], 1, 1_000, batch=400, seed=2, now_ms=NOW))
    assert [len(b) for b in batches] == [400, 400, 200]
    rows = [m for b in batches for m in b]
    assert {m.conversation_id for m in rows} == {7, 8, 9} and {m.account_id for m in rows} == {1}
    assert len({m.channel_id for m in rows}) == 1_000
    assert Counter(m.conversation_id for m in rows)[7] == 500
    for conversation in (7, 8, 9):
        times = [m.sent_at for m in rows if m.conversation_id == conversation]
        assert times == sorted(times) and times[-1] <= NOW
    assert sum(1 for m in rows if "pedido" in m.text.lower()) > 100


def test_prefetched_batches_pass_on_errors_of_the_generator() -> None:
    from deskchat.demo.bulk import _prefetched

    def failing() -> Iterator[list[Any]]:
        yield []
        raise RuntimeError("boom")

    batches = _prefetched(failing())
    assert next(batches) == []
    with pytest.raises(RuntimeError, match="boom"):
        next(batches)


def test_prefetched_batches_stop_when_the_consumer_stops() -> None:
    from deskchat.demo.bulk import _prefetched

    produced: list[int] = []

    def endless() -> Iterator[list[Any]]:
        while True:
            produced.append(1)
            yield []

    batches = _prefetched(endless(), depth=2)
    next(batches)
    batches.close()  # stops and joins the helper thread
    count = len(produced)
    time.sleep(0.05)
    assert len(produced) == count
