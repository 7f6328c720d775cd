"""Writing messages: placeholder rows upgraded in place, the bulk path with attachments, and their search entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from deskchat.channels.whatsapp import jids
from deskchat.channels.whatsapp.values import PENDING_KIND
from deskchat.core.events import DeliveryState
from deskchat.core.messages import Attachment, IdentityKind
from deskchat.paths import Profile
from deskchat.store import accounts, contacts, conversations, search
from deskchat.store import messages as store
from deskchat.store.clock import now_ms
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.messages import NewMessage
from deskchat.store.migrations import migrate

BOLETO = Attachment("boleto_maio_7731.pdf", "application/pdf", 52_000, None, "/v/boleto")
FOTO = Attachment("foto_vitrine_992.jpg", "image/jpeg", 150_000, b"\xff\xd8thumb", "/v/foto")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


@pytest.fixture
def chat(db: Store) -> tuple[int, int]:
    """(account id, conversation id) of one WhatsApp chat."""

    def work(conn: Connection) -> tuple[int, int]:
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        contact = contacts.find_or_create_contact(conn, [], "Ana", now=now_ms())
        return account, conversations.find_or_create_conversation(
            conn, account, "5511987654321@s.whatsapp.net", contact, "Ana", now=now_ms()
        )

    return db.write_now(work)


def _message(chat: tuple[int, int], channel_id: str, text: str = "", **fields: Any) -> NewMessage:
    account, conversation = chat
    values: dict[str, Any] = {
        "conversation_id": conversation,
        "account_id": account,
        "channel_id": channel_id,
        "outgoing": False,
        "text": text,
        "sent_at": 1_700_000_000_000,
        "delivery": DeliveryState.RECEIVED,
    }
    values.update(fields)
    return NewMessage(**values)


def _placeholder(chat: tuple[int, int], channel_id: str, **fields: Any) -> NewMessage:
    return _message(chat, channel_id, kind=PENDING_KIND, **fields)


def _found(db: Store, words: str) -> list[int]:
    with db.read() as conn:
        return sorted(hit.message_id for hit in search.search_newest(conn, words, 1000))


def _row(db: Store, account: int, channel_id: str) -> store.MessageRow:
    with db.read() as conn:
        row = store.find_by_channel_id(conn, account, channel_id)
    assert row is not None
    return row


def _files(db: Store, message_id: int) -> list[tuple[str, str, int]]:
    with db.read() as conn:
        return store.attachment_names(conn, [message_id]).get(message_id, [])


def test_the_store_and_the_whatsapp_adapter_agree_on_the_placeholder_kind_and_the_group_identity() -> None:
    assert store.PLACEHOLDER_KIND == PENDING_KIND
    assert IdentityKind.WA_GROUP == jids.WA_GROUP == "wa_group"


def test_the_real_message_takes_over_its_placeholder_row(db: Store, chat: tuple[int, int]) -> None:
    account, _ = chat
    placeholder = _placeholder(chat, "U1", text="aguardando", sender_name="Ana", sent_at=1000)
    first = db.write_now(lambda conn: store.put_message(conn, placeholder, now=now_ms()))
    assert first is not None and not first.upgraded
    real = _message(
        chat,
        "U1",
        "segue o comprovante",
        kind="image",
        subject="maio",
        sender_name="",
        reply_to_channel_id="Q9",
        sent_at=2000,
        attachments=(BOLETO,),
    )
    second = db.write_now(lambda conn: store.put_message(conn, real, now=now_ms()))
    assert second == store.Written(first.id, chat[1], upgraded=True)
    row = _row(db, account, "U1")
    assert (row.id, row.kind, row.text, row.subject, row.reply_to_channel_id, row.sent_at) == (
        first.id,
        "image",
        "segue o comprovante",
        "maio",
        "Q9",
        2000,
    )
    assert row.sender_name == "Ana"  # an empty name does not erase the one the placeholder had
    assert _files(db, first.id) == [("boleto_maio_7731.pdf", "application/pdf", 52_000)]
    # its search entry is rewritten, not duplicated: new words and file names match, the placeholder's do not
    assert _found(db, "comprovante") == [first.id]
    assert _found(db, "maio") == [first.id]
    assert _found(db, "boleto_maio_7731") == [first.id]
    assert _found(db, "aguardando") == []
    with db.read() as conn:
        assert store.count_in_conversation(conn, row.conversation_id) == 1


def test_a_duplicate_of_a_real_message_changes_nothing(db: Store, chat: tuple[int, int]) -> None:
    account, _ = chat
    db.write_now(lambda conn: store.put_message(conn, _message(chat, "M1", "original"), now=now_ms()))
    again = _message(chat, "M1", "outra coisa", attachments=(BOLETO,))
    assert db.write_now(lambda conn: store.put_message(conn, again, now=now_ms())) is None
    assert db.write_now(lambda conn: store.add_message(conn, again, now=now_ms())) is None
    late_placeholder = _placeholder(chat, "M1")
    assert db.write_now(lambda conn: store.put_message(conn, late_placeholder, now=now_ms())) is None
    row = _row(db, account, "M1")
    assert (row.kind, row.text) == ("text", "original")
    assert _files(db, row.id) == []
    assert _found(db, "outra") == []


def test_a_second_placeholder_leaves_the_first_alone(db: Store, chat: tuple[int, int]) -> None:
    db.write_now(lambda conn: store.put_message(conn, _placeholder(chat, "U1", sent_at=1000), now=now_ms()))
    assert (
        db.write_now(lambda conn: store.put_message(conn, _placeholder(chat, "U1", sent_at=5000), now=now_ms())) is None
    )
    assert _row(db, chat[0], "U1").sent_at == 1000


def test_receipts_that_reached_the_placeholder_are_kept(db: Store, chat: tuple[int, int]) -> None:
    mine = _placeholder(chat, "OUT1", outgoing=True, delivery=DeliveryState.SENT)
    written = db.write_now(lambda conn: store.put_message(conn, mine, now=now_ms()))
    assert written is not None
    db.write_now(lambda conn: store.advance_delivery(conn, written.id, DeliveryState.READ))
    real = _message(chat, "OUT1", "enviado do celular", outgoing=True, delivery=DeliveryState.SENT)
    db.write_now(lambda conn: store.put_message(conn, real, now=now_ms()))
    row = _row(db, chat[0], "OUT1")
    assert (row.text, row.delivery) == ("enviado do celular", "read")


def test_bulk_stores_attachments_and_makes_their_names_searchable(db: Store, chat: tuple[int, int]) -> None:
    account, _ = chat
    batch = [
        _message(chat, f"B{n}", f"mensagem {n}", sent_at=n, attachments=(FOTO,) if n % 3 == 0 else ())
        for n in range(1, 301)
    ]
    batch[9] = _message(chat, "B10", "duas coisas", sent_at=10, attachments=(BOLETO, FOTO))
    written = db.write_now(lambda conn: store.put_messages(conn, batch, now=now_ms()))
    assert written.added == 300 and written.upgraded == []
    ids = {m.channel_id: message_id for m, message_id in zip(batch, written.ids, strict=True) if message_id}
    assert ids == {f"B{n}": _row(db, account, f"B{n}").id for n in range(1, 301)}
    assert _files(db, ids["B3"]) == [("foto_vitrine_992.jpg", "image/jpeg", 150_000)]
    assert _files(db, ids["B4"]) == []
    assert [name for name, _, _ in _files(db, ids["B10"])] == ["boleto_maio_7731.pdf", "foto_vitrine_992.jpg"]
    with db.read() as conn:
        thumbnails = conn.exec_driver_sql(
            "SELECT count(*) FROM attachments WHERE thumbnail = ? AND remote_ref = '/v/foto'", (FOTO.thumbnail,)
        ).scalar_one()
    assert thumbnails == 101  # 100 multiples of 3, and B10
    assert _found(db, "boleto_maio_7731") == [ids["B10"]]
    assert len(_found(db, "foto_vitrine_992")) == 101
    assert _found(db, "duas coisas") == [ids["B10"]]
    assert _found(db, "mensagem 299") == [ids["B299"]]


def test_bulk_reports_new_rows_skips_duplicates_and_upgrades_placeholders(db: Store, chat: tuple[int, int]) -> None:
    account, _ = chat
    db.write_now(
        lambda conn: store.put_messages(
            conn, [_message(chat, "OLD", "antiga"), _placeholder(chat, "P1", text="aguardando um")], now=now_ms()
        )
    )
    p1 = _row(db, account, "P1").id
    old = _row(db, account, "OLD").id
    batch = [
        _message(chat, "N1", "nova um"),
        _message(chat, "OLD", "antiga de novo", attachments=(BOLETO,)),  # stored: skipped, attachment too
        _message(chat, "P1", "chegou o pedido", attachments=(FOTO,)),  # takes over the placeholder
        _placeholder(chat, "P2", text="aguardando dois"),  # new placeholder ...
        _message(chat, "N1", "nova um repetida"),  # same id twice in a batch: the first one wins
        _message(chat, "P2", "chegou a nota"),  # ... upgraded later in the same batch
        _message(chat, "N2", "nova dois"),
        _placeholder(chat, "N2"),  # a placeholder after the real message changes nothing
    ]
    written = db.write_now(lambda conn: store.put_messages(conn, batch, now=now_ms()))
    n1, p2, n2 = (_row(db, account, channel_id).id for channel_id in ("N1", "P2", "N2"))
    assert written.added == 3
    assert written.ids == [n1, None, None, p2, None, None, n2, None]
    assert written.upgraded == [(2, p1, chat[1]), (5, p2, chat[1])]
    assert db.write_now(lambda conn: store.add_messages_bulk(conn, batch, now=now_ms())) == 0
    assert [(r.kind, r.text) for r in (_row(db, account, c) for c in ("OLD", "P1", "P2", "N1", "N2"))] == [
        ("text", "antiga"),
        ("text", "chegou o pedido"),
        ("text", "chegou a nota"),
        ("text", "nova um"),
        ("text", "nova dois"),
    ]
    assert _files(db, p1) == [("foto_vitrine_992.jpg", "image/jpeg", 150_000)]
    assert _files(db, old) == []
    assert _found(db, "aguardando") == []
    assert _found(db, "chegou") == sorted([p1, p2])
    assert _found(db, "foto_vitrine_992") == [p1]
    assert _found(db, "boleto_maio_7731") == []
    assert _found(db, "repetida") == []


def test_bulk_upgrades_placeholders_of_each_account_only(db: Store, chat: tuple[int, int]) -> None:
    account, _ = chat

    def second_chat(conn: Connection) -> tuple[int, int]:
        other = accounts.create_account(conn, "whatsapp", "Financeiro", now=now_ms())
        contact = contacts.find_or_create_contact(conn, [], "Bruno", now=now_ms())
        return other, conversations.find_or_create_conversation(
            conn, other, "5521998765432@s.whatsapp.net", contact, "", now=now_ms()
        )

    other_chat = db.write_now(second_chat)
    db.write_now(
        lambda conn: store.put_messages(conn, [_placeholder(chat, "X"), _placeholder(other_chat, "Y")], now=now_ms())
    )
    # each account names the other's id: only its own placeholder may change
    batch = [_message(chat, "Y", "conta um"), _message(other_chat, "X", "conta dois"), _message(other_chat, "Y", "ok")]
    written = db.write_now(lambda conn: store.put_messages(conn, batch, now=now_ms()))
    assert written.added == 2
    assert written.upgraded == [(2, _row(db, other_chat[0], "Y").id, other_chat[1])]
    assert _row(db, account, "X").kind == PENDING_KIND
    assert (_row(db, other_chat[0], "Y").kind, _row(db, other_chat[0], "Y").text) == ("text", "ok")


def test_bulk_attachment_names_are_searchable_in_a_store_migrated_from_v1(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "p")
    profile.ensure()
    engine = _make_engine(str(profile.store_file), create_key(profile.store_meta_file))
    with engine.connect() as conn:
        assert migrate(conn, target=1) == 1
    engine.dispose()
    db = Store.open(profile)
    try:

        def work(conn: Connection) -> store.BulkWritten:
            account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
            contact = contacts.find_or_create_contact(conn, [], "Ana", now=now_ms())
            chat = account, conversations.find_or_create_conversation(conn, account, "k", contact, "Ana", now=now_ms())
            batch = [
                _message(chat, f"M{n}", "com anexo" if n == 7 else "sem", attachments=(BOLETO,) if n == 7 else ())
                for n in range(250)
            ]
            return store.put_messages(conn, batch, now=now_ms())

        written = db.write_now(work)
        assert _found(db, "boleto_maio_7731") == [written.ids[7]]
        assert _found(db, "com anexo") == [written.ids[7]]
    finally:
        db.close()


def test_a_placeholder_is_upgraded_only_from_its_own_conversation(db: Store, chat: tuple[int, int]) -> None:
    account, conversation = chat

    def other_conversation(conn: Connection) -> int:
        contact = contacts.find_or_create_contact(conn, [], "Ana pelo LID", now=now_ms())
        return conversations.find_or_create_conversation(conn, account, "2000001@lid", contact, "", now=now_ms())

    elsewhere = (account, db.write_now(other_conversation))
    db.write_now(lambda conn: store.put_message(conn, _placeholder(chat, "U1"), now=now_ms()))
    db.write_now(lambda conn: store.put_message(conn, _placeholder(chat, "U2"), now=now_ms()))
    # a message from another conversation reusing the ids is a duplicate, not the placeholder's real message
    assert db.write_now(lambda conn: store.put_message(conn, _message(elsewhere, "U1", "um"), now=now_ms())) is None
    bulk = db.write_now(lambda conn: store.put_messages(conn, [_message(elsewhere, "U2", "dois")], now=now_ms()))
    assert (bulk.added, bulk.upgraded) == (0, [])
    assert [(_row(db, account, u).kind, _row(db, account, u).conversation_id) for u in ("U1", "U2")] == [
        (PENDING_KIND, conversation)
    ] * 2
    # nor by the other side of its own conversation
    assert (
        db.write_now(lambda conn: store.put_message(conn, _message(chat, "U1", "eu", outgoing=True), now=now_ms()))
        is None
    )
    one = db.write_now(lambda conn: store.put_message(conn, _message(chat, "U1", "um"), now=now_ms()))
    assert one == store.Written(_row(db, account, "U1").id, conversation, upgraded=True)
