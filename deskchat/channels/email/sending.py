"""Sending one mail and fetching one attachment, as blocking steps for the account's command thread.

A send first looks for its Message-ID in Sent (a resend of a mail that already left is not sent again), then sends
over SMTP and files the copy in Sent unless the provider files it itself (Gmail, Microsoft 365). A lost SMTP reply
is resolved by Sent only: found, the mail left; not found, :class:`ReplyUnknown` — the outbox parks the item with a
reason the attendant reads, and nothing is sent a second time by itself.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from typing import Any, Final

from deskchat.channels.email.account import MailAccount, SignIn
from deskchat.channels.email.auth import Auth
from deskchat.channels.email.compose import compose, message_id_for, recipients
from deskchat.channels.email.mime import parse
from deskchat.channels.email.sent_folder import file_copy, is_in_sent
from deskchat.channels.email.smtp_send import ReplyLost, send_mail
from deskchat.core.messages import Address, OutboundMessage

log = logging.getLogger("deskchat.mail")

#: Providers that file mail sent over SMTP in Sent by themselves (appending would make a second copy).
FILES_SENT_ITSELF: Final = frozenset({SignIn.GOOGLE, SignIn.MICROSOFT})


class ReplyUnknown(Exception):
    """The server took the whole mail but its answer was lost, and the mail is not in Sent: it may have left."""


@dataclass(frozen=True)
class SendResult:
    message_id: str
    already_sent: bool = False  # found in Sent before sending (an earlier try left)
    filed: bool = False  # DeskChat appended the copy to Sent


def with_default_recipient(message: OutboundMessage) -> OutboundMessage:
    """A chat reply without recipients goes to the conversation's customer (its chat key is the address)."""
    if message.to or message.cc or message.bcc or "@" not in message.chat_key:
        return message
    return replace(message, to=(Address(message.chat_key),))


def send_blocking(
    account: MailAccount, auth: Auth, imap: Any, sent: str, message: OutboundMessage, **smtp: Any
) -> SendResult:
    """Send ``message`` once (see the module docstring). Raises what ``send_mail`` raises, and :class:`ReplyUnknown`."""
    message = with_default_recipient(message)
    message_id = message_id_for(message.idempotency_key, account.domain)
    if is_in_sent(imap, message_id, sent):
        return SendResult(message_id, already_sent=True)
    mail = compose(message, account)
    try:
        send_mail(account, auth, mail, recipients(message), **smtp)
    except ReplyLost:
        if is_in_sent(imap, message_id, sent):
            return SendResult(message_id, already_sent=True)
        raise ReplyUnknown(message_id) from None
    filed = False
    if account.sign_in not in FILES_SENT_ITSELF:
        filed = file_copy(imap, mail, message_id, sent)
    return SendResult(message_id, filed=filed)


def is_sent_blocking(imap: Any, sent: str, message_id: str) -> bool:
    return is_in_sent(imap, message_id, sent)


def attachment_blocking(imap: Any, remote_ref: str) -> bytes:
    """The bytes of the attachment ``remote_ref`` names (by UID, or by Message-ID after a UIDVALIDITY change)."""
    ref = json.loads(remote_ref)
    folder, uid, part = str(ref["folder"]), int(ref["uid"]), int(ref["part"])
    selected = imap.select_folder(folder, readonly=True)
    if int(selected[b"UIDVALIDITY"]) != int(ref["uidvalidity"]):
        found = imap.search(["HEADER", "Message-ID", f"<{ref['id']}>"])
        if not found:
            raise LookupError("the mail is no longer on the server")
        uid = int(found[0])
    fetched = imap.fetch([uid], ["BODY.PEEK[]"])
    raw = fetched.get(uid, {}).get(b"BODY[]")
    if not isinstance(raw, bytes):
        raise LookupError("the mail is no longer on the server")
    attachments = parse(raw).attachments
    if part >= len(attachments):
        raise LookupError("the attachment is no longer in the mail")
    return attachments[part].data
