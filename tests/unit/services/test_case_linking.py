"""A customer's incoming message links to the right CRM case, through the real ingest and store: by the case number
in the subject, else the sender's (or the phone's) open case, with the CRM contract's statuses as pulled cases
carry them; an auto-reply never brings a closed case back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.linking import case_ids
from deskchat.core.messages import Identity, IdentityKind, InboundMessage
from deskchat.core.sync_steps import CaseLinkRequest
from deskchat.paths import Profile
from deskchat.services.ingest import IngestService
from deskchat.store import accounts, crm_records
from deskchat.store.database import Store

CARLA = "carla@cliente.com.br"
ANA_JID = "5511987654321@s.whatsapp.net"
ANA_PHONE = "+5511987654321"
DAY = 86_400_000


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "p"), ephemeral=True)
    yield opened
    opened.close()


class Desk:
    """A mailbox and a WhatsApp number ingesting through the real service into the real store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.mailbox = store.write_now(lambda c: accounts.create_account(c, "email", "Suporte", "s@e.com.br", now=1))
        self.whatsapp = store.write_now(lambda c: accounts.create_account(c, "whatsapp", "Vendas", now=1))
        self.ingest = IngestService(store, EventBus())
        self.sent = 0

    def mail(self, sender: str, subject: str, *, automatic: bool = False) -> int:
        (conversation_id,) = self.mails(sender, [subject], automatic=automatic)
        return conversation_id

    def mails(self, sender: str, subjects: list[str], *, automatic: bool = False) -> list[int]:
        """One batch, as a header FETCH brings it: a message and its link request per subject."""
        batch: list[InboundMessage] = []
        links: list[CaseLinkRequest] = []
        for subject in subjects:
            message = self._mail(sender, subject, automatic)
            batch.append(message)
            links.append(
                CaseLinkRequest(self.mailbox, message.channel_id, tuple(case_ids(subject)), automatic=automatic)
            )
        stored = asyncio.run(self.ingest.ingest(batch, steps=links))
        return [one.conversation_id for one in stored]

    def _mail(self, sender: str, subject: str, automatic: bool) -> InboundMessage:
        self.sent += 1
        return InboundMessage(
            account_id=self.mailbox,
            chat_key=sender,
            chat_title=sender,
            identities=(Identity(IdentityKind.EMAIL, sender),),
            channel_id=f"m{self.sent}@cliente.com.br",
            text="Olá",
            sent_at=1_700_000_000_000 + self.sent,
            kind="email",
            subject=subject,
            automatic=automatic,
        )

    def whatsapp_message(self, *, historical: bool = False) -> int:
        self.sent += 1
        message = InboundMessage(
            account_id=self.whatsapp,
            chat_key=ANA_JID,
            chat_title="Ana",
            identities=(Identity(IdentityKind.PHONE, ANA_PHONE), Identity(IdentityKind.WA_PN, "5511987654321")),
            channel_id=f"WA{self.sent}",
            text="Oi",
            sent_at=1_700_000_000_000 + self.sent,
            historical=historical,
        )
        (stored,) = asyncio.run(self.ingest.ingest([message]))
        return stored.conversation_id

    def contact_of(self, conversation_id: int) -> int:
        with self.store.read() as conn:
            return int(
                conn.exec_driver_sql("SELECT contact_id FROM conversations WHERE id = ?", (conversation_id,)).scalar()
            )

    def pull(self, contact_id: int, cases: list[tuple[str, str, str, int]]) -> None:
        """The CRM client of ``contact_id`` and its cases (id, "#number", status, opened day), as pulled."""

        def write(conn: Connection) -> None:
            directory = crm_records.CrmSyncState({}, {}, {})
            crm_records.apply_pulled_contacts(conn, [{"id": f"ct-{contact_id}", "name": "Cliente"}], {}, now=1)
            client = conn.exec_driver_sql("SELECT id FROM crm_clients WHERE crm_id = ?", (f"ct-{contact_id}",))
            crm_records.set_client_link(conn, int(client.scalar_one()), contact_id, "email", now=1)
            items = [
                {
                    "id": crm_id,
                    "display_number": number,
                    "contact_id": f"ct-{contact_id}",
                    "status": status,
                    "subject": f"Caso {number}",
                    "opened_at": f"2024-01-{day:02d}T10:00:00Z",
                    "row_version": 1,
                }
                for crm_id, number, status, day in cases
            ]
            crm_records.apply_pulled_cases(conn, items, directory, now=1)

        self.store.write_now(write)

    def links(self, conversation_id: int) -> list[tuple[str, str]]:
        """(case number, why) of each case the conversation is linked to, as the info pane lists them."""
        with self.store.read() as conn:
            found = crm_records.case_links_of_conversation(conn, conversation_id)
        return sorted((link.case.display_number, link.linked_by) for link in found)


def test_a_case_number_in_the_subject_links_to_that_pulled_case(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    desk.pull(desk.contact_of(carla), [("c-9f1", "#123", "encerrado", 1), ("c-9f2", "#124", "em_atendimento", 2)])

    assert desk.mail(CARLA, "RE: [Caso #123] boleto") == carla
    assert desk.links(carla) == [("#123", "subject")]


def test_without_a_number_the_mail_links_to_the_senders_newest_open_case(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    assert desk.links(carla) == []  # no case yet
    desk.pull(
        desk.contact_of(carla),
        [
            ("c-1", "#201", "encerrado", 9),  # newest, but closed
            ("c-2", "#202", "pendente", 5),
            ("c-3", "#203", "em_atendimento", 3),
        ],
    )
    desk.mail(CARLA, "Mais uma coisa")
    assert desk.links(carla) == [("#202", "email")]


def test_an_in_progress_case_is_open_too(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    desk.pull(desk.contact_of(carla), [("c-3", "#203", "em_atendimento", 3), ("c-4", "#204", "encerrado", 4)])
    desk.mail(CARLA, "Pedido atrasado")
    assert desk.links(carla) == [("#203", "email")]


def test_a_sender_whose_cases_are_all_closed_is_not_linked(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    desk.pull(desk.contact_of(carla), [("c-1", "#201", "encerrado", 9)])
    desk.mail(CARLA, "Obrigada")
    assert desk.links(carla) == []


def test_an_auto_reply_never_brings_a_closed_case_back(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    desk.pull(desk.contact_of(carla), [("c-1", "#777", "encerrado", 1)])

    desk.mail(CARLA, "Ausente: RE: [Caso #777]", automatic=True)
    assert desk.links(carla) == []
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT status FROM crm_cases").scalar() == "encerrado"

    desk.mail(CARLA, "RE: [Caso #777] ainda com problema")  # the customer herself: linked, for the attendant
    assert desk.links(carla) == [("#777", "subject")]


def test_an_auto_reply_still_follows_an_open_case(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    desk.pull(desk.contact_of(carla), [("c-1", "#777", "encerrado", 1), ("c-2", "#778", "pendente", 2)])
    desk.mail(CARLA, "Fora do escritório [Caso #777]", automatic=True)
    assert desk.links(carla) == [("#778", "email")]


def test_a_whatsapp_message_links_to_the_open_case_of_its_phone(db: Store) -> None:
    desk = Desk(db)
    ana = desk.whatsapp_message()
    assert desk.links(ana) == []
    desk.pull(desk.contact_of(ana), [("c-5", "#300", "encerrado", 8), ("c-6", "#301", "pendente", 2)])

    desk.whatsapp_message(historical=True)  # history is no new contact from the customer
    assert desk.links(ana) == []
    assert desk.whatsapp_message() == ana
    assert desk.links(ana) == [("#301", "phone")]


def test_a_whatsapp_message_never_links_a_closed_case(db: Store) -> None:
    desk = Desk(db)
    ana = desk.whatsapp_message()
    desk.pull(desk.contact_of(ana), [("c-5", "#300", "encerrado", 8)])
    desk.whatsapp_message()
    assert desk.links(ana) == []


def test_a_case_saved_without_a_status_is_pending_and_links(db: Store) -> None:
    desk = Desk(db)
    carla = desk.mail(CARLA, "Oi")
    contact = desk.contact_of(carla)
    db.write_now(lambda conn: crm_records.save_case(conn, contact, None, now=5, crm_id="9", display_number="#9"))
    desk.mail(CARLA, "Novidades")
    assert desk.links(carla) == [("#9", "email")]


def test_a_batch_of_mails_links_as_the_same_mails_one_by_one(tmp_path: Path) -> None:
    """A header batch writes its case links together (one sender link per conversation): the result is the one the
    mails give one at a time, whatever the order of tagged and untagged subjects."""
    subjects = ["Oi", "RE: [Caso #123] boleto", "Mais uma coisa", "[Caso #124] outra", "Obrigada"]
    found: list[list[tuple[str, str]]] = []
    for name, one_batch in (("batch", True), ("one-by-one", False)):
        store = Store.open(Profile(tmp_path / name), ephemeral=True)
        try:
            desk = Desk(store)
            carla = desk.mail(CARLA, "Primeira")
            desk.pull(
                desk.contact_of(carla),
                [("c-1", "#123", "encerrado", 1), ("c-2", "#124", "pendente", 2), ("c-3", "#125", "pendente", 3)],
            )
            if one_batch:
                assert set(desk.mails(CARLA, subjects)) == {carla}
            else:
                assert {desk.mail(CARLA, subject) for subject in subjects} == {carla}
            found.append(desk.links(carla))
        finally:
            store.close()
    assert found[0] == found[1]
    assert ("#123", "subject") in found[0] and ("#125", "email") in found[0]
