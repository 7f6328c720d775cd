"""Auto-lead: a customer the CRM does not know writes, and a lead (source whatsapp/email, status new) and a pending
case are queued for the CRM by themselves, when the setting says so.

It follows ``MessageStored`` for incoming, live (not history) messages outside groups. A contact that already has a
CRM client record — pulled from the CRM, linked by hand, or created here before — gets nothing: the lead and the
local client record are written in one transaction (:meth:`CrmPush.create_lead`), and contacts are handled one at
a time, so the same person never becomes two leads, however many messages arrive at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import ChannelKind, MessageStored
from deskchat.core.messages import IdentityKind
from deskchat.services.crm_accounts import CrmAccount
from deskchat.services.crm_push import NewCase, NewLead
from deskchat.store import contacts, conversations, crm_records
from deskchat.store.clock import now_ms
from deskchat.store.database import Store

log = logging.getLogger("deskchat.crm.autolead")


@dataclass(frozen=True)
class Unknown:
    """A contact without a CRM record, as the lead will name it."""

    contact_id: int
    name: str
    source: str  # whatsapp / email
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    subject: str


def _unknown_contact(conn: Connection, conversation_id: int) -> Unknown | None:
    row = conversations.get(conn, conversation_id)
    if row is None or row.is_group or row.channel not in (ChannelKind.WHATSAPP, ChannelKind.EMAIL):
        return None
    if crm_records.client_of_contact(conn, row.contact_id) is not None:
        return None
    identities = contacts.identities_of(conn, row.contact_id)
    phones = [i.value for i in identities if i.kind == IdentityKind.PHONE]
    phones += [f"+{i.value}" for i in identities if i.kind == IdentityKind.WA_PN and f"+{i.value}" not in phones]
    emails = tuple(i.value for i in identities if i.kind == IdentityKind.EMAIL)
    name = contacts.contact_name(conn, row.contact_id) or row.title or (phones[0] if phones else "")
    subject = "Novo contato por WhatsApp" if row.channel == ChannelKind.WHATSAPP else "Novo contato por e-mail"
    return Unknown(row.contact_id, name, str(row.channel), tuple(phones), emails, subject)


class CrmAutoLead:
    """Args:
        crm: the CRM account (None until the CRM is connected: nothing is created meanwhile).
        enabled: the setting, read at each message.

    New cases go to the first queue (sector) the pull brought.
    """

    def __init__(
        self,
        store: Store,
        bus: EventBus,
        crm: Callable[[], CrmAccount | None],
        enabled: Callable[[], bool],
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._store = store
        self._clock = clock
        self._crm = crm
        self._enabled = enabled
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.created = 0
        self.idle = asyncio.Event()
        self.idle.set()
        self._unfollow = bus.subscribe(MessageStored, self._on_message)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="crm-autolead")

    async def stop(self) -> None:
        self._unfollow()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _on_message(self, event: MessageStored) -> None:
        if event.outgoing or event.historical or self._crm() is None or not self._enabled():
            return
        self.idle.clear()
        self._queue.put_nowait(event.conversation_id)

    async def _run(self) -> None:
        while True:
            conversation_id = await self._queue.get()
            try:
                await self._lead_for(conversation_id)
            except Exception:
                log.exception("auto-lead failed for a conversation")
            finally:
                if self._queue.empty():
                    self.idle.set()

    async def _lead_for(self, conversation_id: int) -> None:
        crm = self._crm()
        if crm is None:
            return
        push = crm.push
        unknown = await self._store.read_later(lambda conn: _unknown_contact(conn, conversation_id))
        if unknown is None:
            return
        whatsapp = unknown.source == ChannelKind.WHATSAPP
        lead = NewLead(unknown.name, "whatsapp" if whatsapp else "email", phones=unknown.phones, emails=unknown.emails)
        lead_id = await push.create_lead(lead, contact_id=unknown.contact_id)
        self.created += 1
        queue_id = await self._store.read_later(lambda conn: _default_queue(conn, crm.account_id))
        if queue_id is None:
            log.warning("no CRM queue known yet: the new lead has no case")
            return
        case = NewCase(lead_id, queue_id, unknown.subject, "whatsapp" if whatsapp else "email")
        case_crm_id = await push.open_case(case, contact_id=unknown.contact_id)
        reason = "phone" if whatsapp else "email"  # what made this person this lead (the info pane says it)
        now = self._clock()

        def link(conn: Connection) -> None:
            opened = crm_records.case_by_crm_id(conn, case_crm_id)
            if opened is not None:
                crm_records.link_case(conn, conversation_id, opened.id, reason, now=now)

        await self._store.write(link)


def _default_queue(conn: Connection, account_id: int) -> str | None:
    directory = crm_records.crm_sync_state(conn, account_id)
    return next(iter(directory.queues), None)
