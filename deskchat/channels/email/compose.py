"""An outgoing mail built from a channel-neutral :class:`~deskchat.core.messages.OutboundMessage`.

The Message-ID is derived from the outbox row's idempotency key, so every try of the same item carries the same id:
a send whose reply was lost is found again in Sent by that id, never sent twice. The case tag ("[Caso #123]") is put
in the subject when the message belongs to a case and the subject does not carry it yet.
"""

from __future__ import annotations

import re
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Final

from deskchat.channels.email.account import MailAccount
from deskchat.channels.email.mime import plain_line
from deskchat.core.identity import normalize_email
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


_REPLY_PREFIX: Final = re.compile(r"^\s*(?:(?:re|res|aw|enc|fwd?|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_CASE_TAG: Final = re.compile(r"\[\s*(?:caso|case)\s*[^\]]{0,24}\]\s*", re.IGNORECASE)


def reply_subject(original: str, case_id: str | None) -> str:
    """``"RE: [Caso #N] <subject>"`` for a reply to ``original``: earlier "RE:"/"Res:" prefixes and case tags are
    dropped first, so replies never stack "RE: RE:" nor repeat the tag."""
    subject = plain_line(original)
    previous = None
    while previous != subject:
        previous = subject
        subject = _CASE_TAG.sub("", _REPLY_PREFIX.sub("", subject), count=1).strip()
    tag = f"[Caso #{case_id}] " if case_id else ""
    return f"RE: {tag}{subject}".strip()


def quoted(text: str, header: str) -> str:
    """``text`` quoted for a reply: the ``header`` line ("Em <data>, <nome> escreveu:"), then each line after "> "."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    return "\n".join([header, *(f"> {line}" if line else ">" for line in lines)])


def parse_addresses(text: str) -> tuple[list[Address], list[str]]:
    """The addresses typed in a To/Cc/Bcc field (separated by commas or semicolons, "Nome <a@b.com>" allowed), and
    the entries that are not a valid address, as typed."""
    good: list[Address] = []
    bad: list[str] = []
    for entry in (part.strip() for part in re.split(r"[,;\n]", text)):
        if not entry:
            continue
        name, raw = parseaddr(entry)
        address = normalize_email(raw) if raw and raw.count("@") == 1 else None
        if address is None or ("<" in entry) != (">" in entry):
            bad.append(entry)
        else:
            good.append(Address(address, plain_line(name, 200)))
    return good, bad
