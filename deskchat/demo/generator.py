"""The demo store for ``deskchat --demo``: a fictional Brazilian distributor's working day.

:func:`populate_demo` fills a fresh store with two channel accounts (WhatsApp "Comercial" and e-mail
"Atendimento"), about fifty contacts (company buyers known to the CRM, and unknown numbers), some fifty
conversations spread over the three tabs, their messages (texts, photos, documents, voice notes, videos,
stickers, replies, reactions), CRM clients and cases linked to conversations, and an integration log. The plan
is made by :mod:`deskchat.demo.plan` and :mod:`deskchat.demo.render`; this module writes it, in one transaction.

The times the store functions stamp (creation times, ``stored_at``, log times) are passed from the plan as well,
so a seed and a "now" always give the same store.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, update

from deskchat.core.events import ChannelKind
from deskchat.core.messages import Identity, IdentityKind
from deskchat.demo import brazil
from deskchat.demo.crm_directory import write_crm_directory
from deskchat.demo.crm_queue import journal_cases, write_demo_crm_queue
from deskchat.demo.crm_seed import PRIORITY, cnpj_digits, crm_seed, directory_id, write_crm_seed
from deskchat.demo.crm_seed import case_id as crm_case_id
from deskchat.demo.mail_html import mail_html
from deskchat.demo.plan import build_plan
from deskchat.demo.plan_model import DemoPlan
from deskchat.demo.render import DemoMessage, render, whatsapp_jid
from deskchat.demo.roster import Person
from deskchat.demo.sample_data import (
    EMAIL_ACCOUNT_ADDRESS,
    EMAIL_ACCOUNT_NAME,
    LOG_LINES,
    SHOP_DOMAIN,
    SHOP_WHATSAPP,
    WHATSAPP_ACCOUNT_NAME,
)
from deskchat.demo.timeline import DAY_MS, MINUTE_MS
from deskchat.store import accounts, contacts, conversations, crm_records, mail_reading, messages
from deskchat.store.clock import now_ms as wall_clock_ms
from deskchat.store.database import Store
from deskchat.store.messages import NewMessage
from deskchat.store.schema import conversations as conversations_table

#: Time between a message's sending and its storing, as a synced client would see it.
_STORE_DELAY_MS = 1_200


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`populate_demo` stored."""

    contacts: int
    conversations: int
    messages: int


def populate_demo(store: Store, *, now_ms: int | None = None, seed: int = 7) -> DemoSummary:
    """Fill a fresh ``store`` with the demo day that ends at ``now_ms`` (default: now), in one transaction.

    The result is the same for the same ``seed`` and ``now_ms`` in the same local time zone (the working day
    starts at 08:00 local time). Meant for a fresh store: on a store that already holds the demo, the CRM records'
    unique ids make it fail (and the transaction leaves the store as it was).
    """
    now = wall_clock_ms() if now_ms is None else now_ms
    plan = build_plan(seed, now)
    rendered = render(plan)
    summary = store.write_now(lambda conn: _write(conn, plan, rendered))
    write_crm_seed(store.profile.root, crm_seed(plan, journal_cases(plan).conflict))
    return summary


def identities_of(person: Person) -> list[Identity]:
    """The identities the demo gives a contact: phone, WhatsApp number, e-mail address, CRM id."""
    identities = [Identity(IdentityKind.PHONE, person.phone)]
    if person.on_whatsapp:
        identities.append(Identity(IdentityKind.WA_PN, person.whatsapp_user))
    if person.email:
        identities.append(Identity(IdentityKind.EMAIL, person.email))
    if person.client is not None:
        identities.append(Identity(IdentityKind.CRM, person.client.crm_id))
    return identities


class _Writer:
    def __init__(self, conn: Connection, plan: DemoPlan) -> None:
        self.conn = conn
        self.plan = plan
        self.contact_ids: dict[int, int] = {}  # id(person) -> contact id
        self.client_ids: dict[int, int] = {}  # id(person) -> CRM client id
        clock = plan.clock
        created = clock.day_start - 90 * DAY_MS
        self.whatsapp_id = accounts.create_account(
            conn, ChannelKind.WHATSAPP.value, WHATSAPP_ACCOUNT_NAME, brazil.display_phone(SHOP_WHATSAPP), now=created
        )
        self.email_id = accounts.create_account(
            conn, ChannelKind.EMAIL.value, EMAIL_ACCOUNT_NAME, EMAIL_ACCOUNT_ADDRESS, now=created
        )

    def people(self, rendered: list[list[DemoMessage]]) -> None:
        clock = self.plan.clock
        first_seen: dict[int, int] = {}  # id(person) -> first message time
        for plan, stored in zip(self.plan.conversations, rendered, strict=True):
            first = stored[0].sent_at
            first_seen[id(plan.person)] = min(first_seen.get(id(plan.person), first), first)
        known_since = clock.day_start - 60 * DAY_MS
        for person in self.plan.people:
            created = first_seen.get(id(person), known_since)
            if person.kind != "lead":
                created = min(created, known_since)
            contact_id = contacts.find_or_create_contact(
                self.conn, identities_of(person), person.display_name, now=created
            )
            self.contact_ids[id(person)] = contact_id
            client = person.client
            if client is None:
                continue
            self.client_ids[id(person)] = crm_records.save_client(
                self.conn,
                contact_id,
                crm_id=client.crm_id,
                name=person.company.name if person.company is not None else person.full_name,
                cnpj=cnpj_digits(client.cnpj),
                company_type=person.company.company_type if person.company is not None else "",
                credit_limit_cents=client.credit_limit_cents,
                debt_cents=client.debt_cents,
                sales_stage=client.sales_stage,
                responsible=client.responsible,
                etag='"1"',
                now=clock.day_start - 5 * MINUTE_MS,
            )

    def conversations(self, rendered: list[list[DemoMessage]]) -> list[int]:
        conn = self.conn
        ids: list[int] = []
        for plan, stored in zip(self.plan.conversations, rendered, strict=True):
            person = plan.person
            if plan.channel is ChannelKind.WHATSAPP:
                account_id, key = self.whatsapp_id, whatsapp_jid(person.phone)
                title = person.display_name or brazil.display_phone(person.phone)
            else:
                account_id, key, title = self.email_id, stored[0].channel_id, person.full_name
            contact_id = self.contact_ids[id(person)]
            conversation_id = conversations.find_or_create_conversation(
                conn, account_id, key, contact_id, title, now=stored[0].sent_at
            )
            ids.append(conversation_id)
            for message in stored:
                message_id = messages.add_message(
                    conn,
                    NewMessage(
                        conversation_id=conversation_id,
                        account_id=account_id,
                        channel_id=message.channel_id,
                        outgoing=message.outgoing,
                        text=message.text,
                        sent_at=message.sent_at,
                        delivery=message.delivery,
                        kind=message.kind,
                        sender_name=message.sender_name,
                        subject=message.subject,
                        reply_to_channel_id=message.reply_to,
                        attachments=message.attachments,
                    ),
                    now=message.sent_at + _STORE_DELAY_MS,
                )
                if message_id is not None and plan.channel is ChannelKind.EMAIL and not message.outgoing:
                    mail_reading.set_html(conn, message_id, mail_html(message.text, person.domain or SHOP_DOMAIN))
                if message_id is not None and message.reaction is not None:
                    reaction = message.reaction
                    messages.set_reaction(conn, message_id, reaction.sender, reaction.emoji, reaction.at)
            last = stored[-1]
            conversations.record_message(
                conn, conversation_id, last.sent_at, last.preview, outgoing=last.outgoing, unread_delta=plan.unread
            )
            conversations.set_status(conn, conversation_id, plan.status, plan.closed_at)
            conn.execute(
                update(conversations_table)
                .where(conversations_table.c.id == conversation_id)
                .values(assignee=plan.assignee)
            )
        return ids

    def cases(self, conversation_ids: list[int]) -> None:
        conn = self.conn
        for case in self.plan.cases:
            case_id = crm_records.save_case(
                conn,
                self.contact_ids[id(case.person)],
                self.client_ids.get(id(case.person)),
                crm_id=crm_case_id(case.number),
                display_number=f"#{case.number}",
                title=case.title,
                status=case.status,
                queue=case.queue,
                priority=PRIORITY.get(case.priority, "normal"),
                assignee=case.assignee,
                queue_crm_id=directory_id(case.queue),
                assignee_crm_id=directory_id(case.assignee) if case.assignee else None,
                etag='"1"',
                opened_at=case.opened_at,
                now=case.updated_at,
            )
            if case.conversation is None:
                continue
            conversation_id = conversation_ids[case.conversation]
            crm_records.link_case(conn, conversation_id, case_id, case.linked_by, now=case.opened_at)

    def log(self, rendered: list[list[DemoMessage]]) -> None:
        clock = self.plan.clock
        channels = [plan.channel for plan in self.plan.conversations]
        values = {
            "numero": brazil.display_phone(SHOP_WHATSAPP),
            "conta": WHATSAPP_ACCOUNT_NAME,
            "dominio": SHOP_DOMAIN,
            "mensagens": sum(
                len(stored)
                for stored, channel in zip(rendered, channels, strict=True)
                if channel is ChannelKind.WHATSAPP
            ),
            "conversas": channels.count(ChannelKind.WHATSAPP),
            "clientes": len(self.client_ids),
            "casos": len(self.plan.cases),
            "semente": self.plan.seed,
        }
        account_of = {"whatsapp": self.whatsapp_id, "email": self.email_id, "": None}
        for line in LOG_LINES:
            at = clock.day_start + line.minutes * MINUTE_MS
            if at > clock.now:
                continue
            accounts.add_log_entry(
                self.conn, account_of[line.channel], line.event, line.detail.format_map(values), line.level, now=at
            )


def _write(conn: Connection, plan: DemoPlan, rendered: list[list[DemoMessage]]) -> DemoSummary:
    writer = _Writer(conn, plan)
    writer.people(rendered)
    conversation_ids = writer.conversations(rendered)
    writer.cases(conversation_ids)
    crm_account = write_crm_directory(conn, now=plan.clock.day_start)
    write_demo_crm_queue(conn, journal_cases(plan), crm_account, plan.clock.now)
    writer.log(rendered)
    return DemoSummary(
        contacts=len(plan.people),
        conversations=len(conversation_ids),
        messages=sum(len(stored) for stored in rendered),
    )
