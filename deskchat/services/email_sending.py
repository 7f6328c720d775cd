"""Queueing a mail from the mail composer: the message row (outgoing, with its subject and attached files in the
media vault) and an outbox row of kind ``mail`` in one transaction; the outbox drainer sends it through
:class:`~.outbox.email_handler.MailSendHandler`. :func:`reply_defaults` is what the composer prefills for a reply.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import MessageStored
from deskchat.core.identity import normalize_email
from deskchat.core.linking import case_ids
from deskchat.core.messages import Address, Attachment
from deskchat.services.messaging import DEFAULT_MIME, FileToSend, check_file_size, queue_message
from deskchat.services.outbox.email_handler import MAIL_KIND, mail_payload, tagged
from deskchat.store import contacts, conversations, crm_records, mail_accounts, mail_preferences, mail_reading, media
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


@dataclass(frozen=True)
class ReplyBasis:
    """What the mail composer prefills a conversation's mail from."""

    account_id: int
    customer_address: str  # the conversation's customer (the reply's To)
    answered: mail_reading.StoredMail | None  # the mail being answered (subject, quote, thread ids)
    case_id: str | None  # from the answered subject, else the conversation's open case
    signature: str | None  # the mailbox's signature; None when never written
    attendant_name: str  # for a default signature


def case_for_reply(conn: Connection, conversation_id: int, subject: str) -> str | None:
    """The case a reply belongs to: the id in the subject, else the conversation's newest case still open."""
    found = case_ids(subject)
    if found:
        return found[0]
    for case in crm_records.cases_of_conversation(conn, conversation_id):
        if case.crm_id and case.status != "encerrado":
            return case.crm_id
    return None


def customer_address(conn: Connection, conversation_id: int, answered: mail_reading.StoredMail | None = None) -> str:
    """Where a reply goes: the answered mail's sender, else the customer's address (a conversation's key may be a
    thread key, not an address)."""
    if answered is not None and not answered.outgoing and answered.from_address:
        return answered.from_address
    key = mail_accounts.channel_key_of(conn, conversation_id)
    if normalize_email(key) == key:  # a thread key like "<id@host>" also parses as an address: not the customer's
        return key
    row = conversations.get(conn, conversation_id)
    emails = [] if row is None else [i.value for i in contacts.identities_of(conn, row.contact_id) if i.kind == "email"]
    return emails[0] if emails else ""


def reply_basis(conn: Connection, conversation_id: int) -> ReplyBasis:
    account_id, _kind, account_name = mail_reading.mailbox_of(conn, conversation_id)
    answered = mail_reading.mail_to_answer(conn, conversation_id)
    name = str(mail_accounts.settings_of(conn, account_id).get("display_name") or "")
    return ReplyBasis(
        account_id=account_id,
        customer_address=customer_address(conn, conversation_id, answered),
        answered=answered,
        case_id=case_for_reply(conn, conversation_id, answered.subject if answered is not None else ""),
        signature=mail_preferences.signature_of(conn, account_id),
        attendant_name=name
        or mail_reading.assignee_of(conn, conversation_id)
        or mail_reading.attendant_name_in(conn, conversation_id)
        or account_name,
    )


class EmailSending:
    def __init__(
        self, store: Store, bus: EventBus, wake: asyncio.Event | None = None, clock: Callable[[], int] = now_ms
    ) -> None:
        self._store = store
        self._bus = bus
        self._wake = wake
        self._clock = clock

    async def send_mail(
        self,
        conversation_id: int,
        text: str,
        subject: str,
        *,
        to: Sequence[Address] = (),
        cc: Sequence[Address] = (),
        bcc: Sequence[Address] = (),
        in_reply_to: str = "",
        references: Sequence[str] = (),
        case_id: str | None = None,
        files: Sequence[FileToSend] = (),
    ) -> int:
        """Queue a mail in the conversation (to its customer when ``to`` is empty); returns the message id.

        ``files`` go with it as attachments (kept in the media vault, read back by the outbox handler).

        Raises:
            FileTooLarge, EmptyFile: a file the mail cannot carry; nothing was queued.
        """
        for file in files:
            check_file_size(file.file_name, len(file.data))
        key = f"deskchat-{uuid.uuid4()}"

        def write(conn: Connection) -> int:
            chat_key = mail_accounts.channel_key_of(conn, conversation_id)
            recipients = tuple(to) or (Address(chat_key),)
            payload = mail_payload(
                chat_key=chat_key,
                text=text,
                subject=subject,
                to=recipients,
                cc=cc,
                bcc=bcc,
                in_reply_to=in_reply_to,
                references=references,
                case_id=case_id,
            )
            media_ids = [media.put_media(conn, file.data, file.mime or DEFAULT_MIME) for file in files]
            message_id = queue_message(
                conn,
                conversation_id,
                key,
                in_reply_to or None,
                text,
                kind="email",
                attachments=[
                    Attachment(file.file_name, file.mime or DEFAULT_MIME, len(file.data), file.thumbnail)
                    for file in files
                ],
                payload=payload,
                preview=tagged(subject, case_id) or text,
                outbox_kind=MAIL_KIND,
                now=self._clock(),
            )
            mail_reading.set_subject(conn, message_id, tagged(subject, case_id))
            for attachment, media_id in zip(media.attachments_of(conn, message_id), media_ids, strict=True):
                media.attach_media(conn, attachment.id, media_id)
            return message_id

        message_id = await self._store.write(write)
        self._bus.publish(MessageStored(conversation_id, message_id, True, False))
        if self._wake is not None:
            self._wake.set()
        return message_id

    async def reply_basis(self, conversation_id: int) -> ReplyBasis:
        return await self._store.read_later(lambda conn: reply_basis(conn, conversation_id))

    async def save_signature(self, account_id: int, text: str) -> None:
        await self._store.write(lambda conn: mail_preferences.save_signature(conn, account_id, text, now=self._clock()))
