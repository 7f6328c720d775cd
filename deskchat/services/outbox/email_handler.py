"""Outbox rows of kind ``mail``: a mail with subject, recipients, thread headers and the case tag.

The channel composes it with a Message-ID derived from the row's idempotency key, sends it over SMTP on the
account's own thread and files the copy in Sent unless the server does (see ``deskchat.channels.email.sending``).
A send a crash interrupted (``uncertain``) is looked up in Sent first: found, it is done; not found, it is parked
with a reason the attendant reads — never sent a second time by itself. A lost SMTP reply ends the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

from sqlalchemy import Connection

from deskchat.channels.base import Capability, ChannelAccount, PermanentSendError, SendReceipt
from deskchat.core.linking import case_ids
from deskchat.core.messages import Address, OutboundFile, OutboundMessage, ThreadRefs
from deskchat.services.outbox.handlers import ChatMessageHandler
from deskchat.store import media
from deskchat.store.database import Store
from deskchat.store.outbox import OutboxItem

MAIL_KIND: Final = "mail"
UNCERTAIN_MAIL_REASON: Final = (
    "O envio foi interrompido e o e-mail não está em Enviados: confira com o destinatário antes de enviar de novo."
)

#: ``(account id, idempotency key)`` → the Message-ID when Sent holds it, else None (raises when offline).
SentLookup = Callable[[int, str], Awaitable[str | None]]


def tagged(subject: str, case_id: str | None) -> str:
    if not case_id or case_id in case_ids(subject):
        return subject
    return f"[Caso #{case_id}] {subject}".strip()


def _addresses(raw: Any) -> tuple[Address, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for entry in raw:
        if isinstance(entry, list | tuple) and entry and isinstance(entry[0], str):
            found.append(Address(entry[0], str(entry[1]) if len(entry) > 1 else ""))
    return tuple(found)


def mail_payload(
    *,
    chat_key: str,
    text: str,
    subject: str,
    to: Sequence[Address],
    cc: Sequence[Address] = (),
    bcc: Sequence[Address] = (),
    in_reply_to: str = "",
    references: Sequence[str] = (),
    case_id: str | None = None,
    html: str = "",
) -> dict[str, Any]:
    """The outbox payload of a mail (what the mail composer queues)."""
    return {
        "chat_key": chat_key,
        "text": text,
        "subject": subject,
        "to": [[a.address, a.name] for a in to],
        "cc": [[a.address, a.name] for a in cc],
        "bcc": [[a.address, a.name] for a in bcc],
        "in_reply_to": in_reply_to,
        "references": list(references),
        "case_id": case_id,
        "html": html,
    }


class MailSendHandler(ChatMessageHandler):
    kinds: tuple[str, ...] = (MAIL_KIND,)
    needs = Capability.SUBJECTS

    def __init__(self, store: Store, sent_lookup: SentLookup) -> None:
        super().__init__(store)
        self._sent_lookup = sent_lookup

    async def _outbound(self, item: OutboxItem, account: ChannelAccount) -> OutboundMessage:
        payload = item.payload
        in_reply_to = str(payload.get("in_reply_to") or "")
        references = tuple(str(r) for r in payload.get("references") or () if isinstance(r, str))
        files = await self._files(item)
        return OutboundMessage(
            account_id=item.account_id if item.account_id is not None else account.account_id,
            chat_key=str(payload["chat_key"]),
            idempotency_key=item.idempotency_key,
            text=str(payload.get("text", "")),
            channel_id=item.channel_id,
            files=files,
            subject=tagged(str(payload.get("subject", "")), payload.get("case_id")),
            html=str(payload.get("html", "")),
            to=_addresses(payload.get("to")),
            cc=_addresses(payload.get("cc")),
            bcc=_addresses(payload.get("bcc")),
            thread=ThreadRefs("", in_reply_to, references) if in_reply_to or references else None,
        )

    async def _files(self, item: OutboxItem) -> tuple[OutboundFile, ...]:
        message_id = item.message_id
        if message_id is None:
            return ()

        def read(conn: Connection) -> list[media.StoredFile]:
            stored = (media.media_of_attachment(conn, a.id) for a in media.attachments_of(conn, message_id))
            return [s for s in stored if s is not None]

        stored = await self._store.read_later(read)
        return tuple(OutboundFile("document", s.file_name, s.mime, s.data) for s in stored)

    async def before_resend(self, item: OutboxItem, account: ChannelAccount) -> SendReceipt | None:
        found = await self._sent_lookup(account.account_id, item.idempotency_key)
        if found is None:
            raise PermanentSendError(UNCERTAIN_MAIL_REASON)
        return SendReceipt(found)
