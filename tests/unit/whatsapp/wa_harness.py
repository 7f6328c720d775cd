"""A real store and the app's real services wired to a WhatsApp adapter whose client does not dial."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from neonize.proto import Neonize_pb2 as N
from sqlalchemy import Connection, select
from wa_factory import CUSTOMER, LEGACY_CUSTOMER, NoDialClient, deliver, jid

from deskchat.channels.whatsapp import jids
from deskchat.channels.whatsapp.client import WhatsAppChannel
from deskchat.channels.whatsapp.values import EditChange, IdentityLink, MessageChange, ReactionChange, RevokeChange
from deskchat.core.bus import EventBus
from deskchat.services.inbound_spool import InboundSpool
from deskchat.services.ingest import IngestService
from deskchat.services.pending_changes import PendingChanges
from deskchat.services.receipts import ReceiptService
from deskchat.store import accounts, contacts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.schema import conversations as conversations_table


class SendingClient(NoDialClient):
    """Answers the two network calls a send makes, like WhatsApp would (old account: JID without the 9th digit)."""

    before_reply: Any = None  # an async callable run inside send_message, before it returns

    async def is_on_whatsapp(self, *numbers: str) -> list[Any]:
        self.sent.append(("is_on_whatsapp", numbers))
        user = LEGACY_CUSTOMER if numbers[0] == "+" + CUSTOMER else numbers[0].lstrip("+")
        return [N.IsOnWhatsAppResponse(Query=numbers[0], JID=jid(user, device=0), IsIn=True)]

    async def get_group_info(self, group: Any) -> Any:
        self.sent.append(("get_group_info", group.User))
        return N.GroupInfo(JID=group, GroupName=N.GroupName(Name="Equipe Vendas"))

    async def logout(self) -> None:
        self.sent.append(("logout",))

    async def send_message(self, to: Any, message: Any, **_: Any) -> Any:
        self.sent.append((to, message))
        message_id = f"OUT{len(self.sent)}"
        if self.before_reply is not None:
            await self.before_reply(message_id)
        return N.SendResponse(ID=message_id, Timestamp=1_760_000_100)


class Harness:
    """A store, the services, and an adapter wired to them."""

    def __init__(self, store: Store, recorder: Any, tmp_path: Path, account_id: int | None = None) -> None:
        """``account_id``: an account of ``store`` to reopen (a restart after a crash); None creates one."""
        self.store = store
        self.bus = EventBus()
        if account_id is None:
            account_id = store.write_now(lambda conn: accounts.create_account(conn, "whatsapp", "Loja", now=now_ms()))
        self.account_id = account_id
        recorder.ingest = IngestService(store, self.bus).ingest
        recorder.apply_receipt = ReceiptService(store, self.bus).apply
        recorder.apply_changes = self.apply_changes
        recorder.apply_links = self.apply_links
        self.recorder = recorder
        self.spool = InboundSpool(store, self.bus)  # the real durable path: every event is spooled first
        self.pending = PendingChanges(store)  # receipts and changes waiting for their message, durably
        sinks = replace(
            recorder.sinks(),
            spool_append=self.spool.append,
            spool_pending=self.spool.pending,
            spool_remove=self.spool.remove,
            dead_letter=self.spool.dead_letter,
            pending_keep=self.pending.keep,
            pending_drop=self.pending.drop,
            pending_load=self.pending.load,
        )
        self.channel = WhatsAppChannel(
            self.account_id, tmp_path / "wa", sinks, client_class=SendingClient, first_retry_s=3600
        )

    async def feed(self, *events: Any) -> None:
        """Deliver events as Go does and wait until the adapter processed them."""
        before = self.channel.pipeline.received
        for event in events:
            deliver(self.channel.client, event)
        guard = 10 + len(events) / 200  # a guard against a hang, scaled to the work on a loaded 2-core machine
        await self.channel.pipeline.wait_received(before + len(events), timeout=guard)
        assert await self.channel.pipeline.join(timeout=guard)

    async def apply_changes(self, changes: Sequence[MessageChange]) -> list[MessageChange]:
        """What the app's change service must do (see the adapter's report): apply with checks, return the rest."""

        def work(conn: Connection) -> list[MessageChange]:
            missing: list[MessageChange] = []
            for change in changes:
                row = messages.find_by_channel_id(conn, self.account_id, change.target_id)
                if row is None:
                    missing.append(change)
                    continue
                conversation = conversations.get(conn, row.conversation_id)
                assert conversation is not None
                key = conn.execute(
                    select(conversations_table.c.channel_key).where(conversations_table.c.id == conversation.id)
                ).scalar_one()
                if key != change.chat_key:
                    continue  # an id from another chat: refused
                if isinstance(change, ReactionChange):
                    messages.set_reaction(conn, row.id, change.sender, change.emoji, change.at)
                elif row.outgoing == change.from_me:  # only the author edits or deletes
                    if isinstance(change, EditChange):
                        messages.mark_edited(conn, row.id, change.new_text, change.at)
                    elif isinstance(change, RevokeChange):
                        messages.mark_deleted(conn, row.id, change.at)
            return missing

        return await self.store.write(work)

    async def apply_links(self, links: Sequence[IdentityLink]) -> None:
        """What the app's identity service must do: one person, whether WhatsApp names them by number or LID."""

        def work(conn: Connection) -> None:
            for link in links:
                number = jids.identities(link.pn_user, None)
                lid = jids.identities(None, link.lid_user)
                owner = contacts.find_contact(conn, number) or contacts.find_contact(conn, lid)
                if owner is not None:
                    contacts.add_identities(conn, owner, [*number, *lid])

        await self.store.write(work)

    def row(self, channel_id: str) -> messages.MessageRow:
        with self.store.read() as conn:
            found = messages.find_by_channel_id(conn, self.account_id, channel_id)
        assert found is not None, channel_id
        return found

    def contact_ids(self) -> set[int]:
        with self.store.read() as conn:
            return {int(value) for value in conn.execute(select(conversations_table.c.contact_id)).scalars()}
