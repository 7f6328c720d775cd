"""Merging contacts that turn out to be one person, and undoing it exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from deskchat.core.events import DeliveryState
from deskchat.core.messages import Identity
from deskchat.paths import Profile
from deskchat.services import people
from deskchat.store import accounts, contacts, conversations, crm_records, drafts, merges
from deskchat.store import messages as store_messages
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage

NOW = 1_700_000_000_000
PHONE = Identity("phone", "+5511987654321")
LEGACY_PHONE = Identity("phone", "+55 11 8765-4321")
WA_PN = Identity("wa_pn", "551187654321")
LID = Identity("wa_lid", "123456789012345")
EMAIL = Identity("email", "maria@example.com.br")
PN_KEY = "5511987654321@s.whatsapp.net"
LID_KEY = "123456789012345@lid"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


def _chat(conn: Connection, account: int, contact: int, key: str, texts: list[str], start: int = NOW) -> int:
    chat = conversations.find_or_create_conversation(conn, account, key, contact, "", now=NOW)
    for number, text in enumerate(texts):
        message = NewMessage(chat, account, f"{key}-{number}", False, text, start + number, DeliveryState.RECEIVED)
        store_messages.add_message(conn, message, now=NOW)
        conversations.record_message(conn, chat, start + number, text, outgoing=False, unread_delta=1)
    return chat


def _state(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a merge may move, as comparable rows."""
    queries = {
        "contacts": "SELECT id, display_name FROM contacts",
        "identities": "SELECT id, contact_id, kind, value FROM contact_identities",
        "conversations": "SELECT * FROM conversations",
        "messages": "SELECT id, conversation_id FROM messages",
        "cases": "SELECT id, contact_id FROM crm_cases",
        "clients": "SELECT id, contact_id FROM crm_clients",
        "links": "SELECT * FROM conversation_cases",
        "drafts": "SELECT * FROM drafts",
    }
    return {name: sorted(tuple(row) for row in conn.exec_driver_sql(sql)) for name, sql in queries.items()}


def _two_people(conn: Connection) -> dict[str, int]:
    """Maria known by her number (a CRM client with a case) and, separately, by her LID (a chat with a case link
    and a draft); plus her e-mail contact."""
    whatsapp = accounts.create_account(conn, "whatsapp", "Comercial", now=NOW)
    mail = accounts.create_account(conn, "email", "Vendas", now=NOW)
    by_phone = contacts.find_or_create_contact(conn, [PHONE, WA_PN], "", now=NOW)
    by_lid = contacts.find_or_create_contact(conn, [LID], "Maria", now=NOW)
    by_mail = contacts.find_or_create_contact(conn, [EMAIL], "Maria S.", now=NOW)
    pn_chat = _chat(conn, whatsapp, by_phone, PN_KEY, ["oi", "tudo bem?"])
    lid_chat = _chat(conn, whatsapp, by_lid, LID_KEY, ["sou eu, pelo LID"], start=NOW + 100)
    mail_chat = _chat(conn, mail, by_mail, "<thread@example.com.br>", ["orçamento"])
    client = crm_records.save_client(conn, by_phone, now=NOW, crm_id="C1", name="Maria ME")
    case = crm_records.save_case(conn, by_lid, None, now=NOW, crm_id="77", title="Boleto")
    crm_records.link_case(conn, lid_chat, case, "phone", now=NOW)
    drafts.save(conn, lid_chat, drafts.Draft("rascunho"), NOW)
    return {
        "by_phone": by_phone,
        "by_lid": by_lid,
        "by_mail": by_mail,
        "pn_chat": pn_chat,
        "lid_chat": lid_chat,
        "mail_chat": mail_chat,
        "client": client,
        "case": case,
    }


def _owner(conn: Connection, identity: Identity) -> int | None:
    return contacts.find_contact(conn, [identity])


@pytest.mark.parametrize(
    ("learnt", "fold", "kept", "absorbed"),
    [
        ([PHONE, WA_PN, LID], True, "by_phone", "by_lid"),  # the LID's number became known
        ([LID, WA_PN], False, "by_phone", "by_lid"),  # a message carrying both (ingest: no folding)
        ([LEGACY_PHONE, LID], True, "by_phone", "by_lid"),  # written without the 9th digit
        ([EMAIL, PHONE], True, "by_phone", "by_mail"),  # the CRM record lists both
    ],
)
def test_what_a_merge_moves(db: Store, learnt: list[Identity], fold: bool, kept: str, absorbed: str) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        resolved = people.resolve(conn, learnt, now=NOW, fold_chats=fold)
        assert resolved.contact_id == ids[kept] and resolved.merged
        (merge,) = merges.active_merges_into(conn, ids[kept])
        assert merge.absorbed_contact_id == ids[absorbed]
        assert contacts.identities_of(conn, ids[absorbed]) == []
        assert all(_owner(conn, identity) == ids[kept] for identity in learnt)
        assert {row.contact_id for row in conversations.get_many(conn, _chats(conn)).values()} >= {ids[kept]}
        assert not conn.exec_driver_sql("SELECT 1 FROM conversations WHERE contact_id = ?", (ids[absorbed],)).all()
        assert not conn.exec_driver_sql("SELECT 1 FROM crm_cases WHERE contact_id = ?", (ids[absorbed],)).all()
        assert crm_records.client_of_contact(conn, ids[kept]) is not None

    db.write_now(work)


def _chats(conn: Connection) -> list[int]:
    return [int(chat) for chat in conn.exec_driver_sql("SELECT id FROM conversations").scalars()]


def test_a_lid_chat_is_folded_into_the_number_chat_and_undo_restores_everything_exactly(db: Store) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        before = _state(conn)
        resolved = people.resolve(conn, [PHONE, WA_PN, LID], now=NOW + 10)
        assert conversations.get(conn, ids["lid_chat"]) is None  # one row in the list
        pn_chat = conversations.get(conn, ids["pn_chat"])
        assert pn_chat is not None and pn_chat.unread_count == 3 and pn_chat.last_preview == "sou eu, pelo LID"
        assert store_messages.count_in_conversation(conn, ids["pn_chat"]) == 3
        assert [case.crm_id for case in crm_records.cases_of_conversation(conn, ids["pn_chat"])] == ["77"]
        assert contacts.contact_name(conn, resolved.contact_id) == "Maria"  # the kept contact had no name

        (merge,) = merges.active_merges_into(conn, resolved.contact_id)
        undone = merges.undo_merge(conn, merge.id, now=NOW + 20)
        assert undone is not None and set(undone.conversation_ids) >= {ids["lid_chat"], ids["pn_chat"]}
        assert _state(conn) == before
        assert merges.undo_merge(conn, merge.id, now=NOW + 30) is None  # twice: nothing more

    db.write_now(work)


def test_merging_twice_changes_nothing(db: Store) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        assert people.resolve(conn, [PHONE, LID], now=NOW).merged
        after_first = _state(conn)
        again = people.resolve(conn, [PHONE, LID], now=NOW + 1)
        assert again == people.Resolved(ids["by_phone"], merged=False)
        assert merges.merge_contacts(conn, ids["by_phone"], ids["by_lid"], "manual", now=NOW + 2) is None
        assert merges.merge_contacts(conn, ids["by_phone"], ids["by_phone"], "manual", now=NOW + 2) is None
        assert _state(conn) == after_first
        assert len(merges.active_merges_into(conn, ids["by_phone"])) == 1

    db.write_now(work)


def test_undo_moves_back_only_what_the_merge_moved(db: Store) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        people.resolve(conn, [PHONE, LID], now=NOW, fold_chats=False)
        contacts.add_identities(conn, ids["by_phone"], [Identity("email", "nova@example.com")])  # learnt later
        (merge,) = merges.active_merges_into(conn, ids["by_phone"])
        merges.undo_merge(conn, merge.id, now=NOW + 1)
        assert _owner(conn, Identity("email", "nova@example.com")) == ids["by_phone"]
        assert _owner(conn, LID) == ids["by_lid"]
        assert conversations.get(conn, ids["lid_chat"]) is not None
        assert conversations.get(conn, ids["lid_chat"]).contact_id == ids["by_lid"]  # type: ignore[union-attr]
        # the attendant split them: the same identities do not merge them again by themselves
        assert people.resolve(conn, [PHONE, LID], now=NOW + 2) == people.Resolved(ids["by_phone"], merged=False)
        assert _owner(conn, LID) == ids["by_lid"]

    db.write_now(work)


def test_two_crm_clients_are_not_merged(db: Store) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        crm_records.save_client(conn, ids["by_mail"], now=NOW, crm_id="C2", name="Outra Maria")
        before = _state(conn)
        resolved = people.resolve(conn, [EMAIL, PHONE], now=NOW)
        assert not resolved.merged
        assert _state(conn) == before

    db.write_now(work)


def test_link_to_person_merges_the_email_contact_into_the_crm_client(db: Store) -> None:
    def work(conn: Connection) -> None:
        ids = _two_people(conn)
        resolved = people.link_to_person(conn, ids["by_mail"], [PHONE], now=NOW)
        assert resolved == people.Resolved(ids["by_phone"], merged=True)  # the CRM client's contact survives
        assert conversations.get(conn, ids["mail_chat"]).contact_id == ids["by_phone"]  # type: ignore[union-attr]

    db.write_now(work)


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("+5511987654321", "+55 11 8765-4321"),
        ("+5511987654321", "551187654321@s.whatsapp.net"),
        ("+551187654321", "+55 (11) 9 8765-4321"),  # a row stored before canonical forms
        ("+551187654321", "\u200e(11) 98765-4321"),
    ],
)
def test_a_number_in_either_form_finds_the_contact(db: Store, stored: str, written: str) -> None:
    def work(conn: Connection) -> None:
        conn.exec_driver_sql("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (9, 'A', 1, 1)")
        conn.exec_driver_sql(
            "INSERT INTO contact_identities (contact_id, kind, value) VALUES (9, 'phone', ?)", (stored,)
        )
        assert contacts.find_or_create_contact(conn, [Identity("phone", written)], now=NOW) == 9
        assert conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one() == 1

    db.write_now(work)


def test_phones_are_stored_in_canonical_form_and_impossible_ones_not_at_all(db: Store) -> None:
    def work(conn: Connection) -> None:
        contact = contacts.find_or_create_contact(
            conn,
            [LEGACY_PHONE, Identity("phone", "+55 10 98765-4321"), Identity("phone", "+52 1 55 1234 5678")],
            now=NOW,
        )
        assert contacts.identities_of(conn, contact) == [
            Identity("phone", "+5511987654321"),
            Identity("phone", "+525512345678"),
        ]

    db.write_now(work)
