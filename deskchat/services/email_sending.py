"""Queueing a mail from the mail composer: the message row (outgoing, with its subject) and an outbox row of kind
``mail`` in one transaction; the outbox drainer sends it through :class:`~.outbox.email_handler.MailSendHandler`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from deskchat.core.bus import EventBus
from deskchat.core.events import MessageStored
from deskchat.core.messages import Address
from deskchat.services.messaging import queue_message
from deskchat.services.outbox.email_handler import MAIL_KIND, mail_payload, tagged
from deskchat.store import mail_accounts
from deskchat.store.clock import now_ms
from deskchat.store.database import Store


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
    ) -> int:
        """Queue a mail in the conversation (to its customer when ``to`` is empty); returns the message id."""
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
            return queue_message(
                conn,
                conversation_id,
                key,
                in_reply_to or None,
                text,
                kind="email",
                payload=payload,
                preview=tagged(subject, case_id) or text,
                outbox_kind=MAIL_KIND,
                now=self._clock(),
            )

        message_id = await self._store.write(write)
        self._bus.publish(MessageStored(conversation_id, message_id, True, False))
        if self._wake is not None:
            self._wake.set()
        return message_id
