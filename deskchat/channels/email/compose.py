"""An outgoing mail built from a channel-neutral :class:`~deskchat.core.messages.OutboundMessage`.

The Message-ID is derived from the outbox row's idempotency key, so every try of the same item carries the same id:
a send whose reply was lost is found again in Sent by that id, never sent twice. The case tag ("[Caso #123]") is put
in the subject when the message belongs to a case and the subject does not carry it yet.
"""

from __future__ import annotations

import re
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import formatdate
from typing import Final

from deskchat.channels.email.account import MailAccount
from deskchat.channels.email.mime import plain_line
from deskchat.core.linking import case_ids
from deskchat.core.messages import Address, OutboundMessage

_KEY_RE: Final = re.compile(r"[^A-Za-z0-9.\-_]")


def message_id_for(idempotency_key: str, domain: str) -> str:
    """The Message-ID (without angle brackets) of the outbox item with ``idempotency_key``."""
    return f"deskchat.{_KEY_RE.sub('', idempotency_key)[:64]}@{domain}"


def tagged_subject(subject: str, case_id: str | None) -> str:
    subject = plain_line(subject)
    if case_id is None or case_id in case_ids(subject):
        return subject
    return f"[Caso #{case_id}] {subject}".strip()


def compose(message: OutboundMessage, account: MailAccount, *, case_id: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = _header_address(Address(account.address, account.display_name))
    if message.to:
        mail["To"] = [_header_address(a) for a in message.to]
    if message.cc:
        mail["Cc"] = [_header_address(a) for a in message.cc]
    mail["Subject"] = tagged_subject(message.subject, case_id)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = f"<{message_id_for(message.idempotency_key, account.domain)}>"
    if message.thread is not None:
        if message.thread.in_reply_to:
            mail["In-Reply-To"] = f"<{message.thread.in_reply_to}>"
        references = [*message.thread.references, message.thread.in_reply_to]
        unique = list(dict.fromkeys(r for r in references if r))
        if unique:
            mail["References"] = " ".join(f"<{r}>" for r in unique[-20:])
    mail.set_content(message.text or "")
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    for file in message.files:
        maintype, _, subtype = file.mime.partition("/")
        mail.add_attachment(
            file.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=file.file_name,
        )
    return mail


def recipients(message: OutboundMessage) -> list[str]:
    """Every envelope recipient (To, Cc and Bcc), once each."""
    return list(dict.fromkeys(a.address for a in (*message.to, *message.cc, *message.bcc)))


def _header_address(address: Address) -> HeaderAddress:
    local, _, domain = address.address.partition("@")
    return HeaderAddress(display_name=plain_line(address.name, 200), username=local, domain=domain)
