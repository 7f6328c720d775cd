"""What the mail view and the mail composer read of a stored mail: headers, text, sanitised HTML, thread ids."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from deskchat.core.messages import Address
from deskchat.store import row_values
from deskchat.store.schema import accounts, conversations, mail_headers, messages

MAIL_KIND = "email"


@dataclass(frozen=True)
class StoredMail:
    id: int
    conversation_id: int
    account_id: int
    message_id: str  # the Message-ID (the message's channel id), without brackets
    outgoing: bool
    subject: str
    sender_name: str
    from_address: str
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    references: tuple[str, ...]
    sent_at: int
    text: str
    html: str
    body_fetched: bool


_COLUMNS = (
    messages.c.id,
    messages.c.conversation_id,
    messages.c.account_id,
    row_values.as_bytes(messages.c.channel_id),
    messages.c.outgoing,
    row_values.as_bytes(messages.c.subject),
    row_values.as_bytes(messages.c.sender_name),
    messages.c.sent_at,
    row_values.as_bytes(messages.c.text),
    row_values.as_bytes(messages.c.html),
    row_values.as_bytes(messages.c.body_state),
    row_values.as_bytes(mail_headers.c.from_address),
    row_values.as_bytes(mail_headers.c.to_json),
    row_values.as_bytes(mail_headers.c.cc_json),
    row_values.as_bytes(mail_headers.c.refs),
)


def _addresses(stored: str) -> tuple[Address, ...]:
    try:
        value = json.loads(stored or "[]")
    except (ValueError, RecursionError):
        return ()
    found: list[Address] = []
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, list | tuple) and entry and isinstance(entry[0], str):
            found.append(Address(entry[0], str(entry[1]) if len(entry) > 1 else ""))
        elif isinstance(entry, dict) and isinstance(entry.get("address"), str):
            found.append(Address(entry["address"], str(entry.get("name") or "")))
    return tuple(found)


def _mail(raw: dict[str, object]) -> StoredMail:
    text = row_values.text
    return StoredMail(
        id=int(str(raw["id"])),
        conversation_id=row_values.count(raw["conversation_id"], "messages.conversation_id"),
        account_id=row_values.count(raw["account_id"], "messages.account_id"),
        message_id=text(raw["channel_id"], "messages.channel_id"),
        outgoing=row_values.flag(raw["outgoing"]),
        subject=text(raw["subject"], "messages.subject"),
        sender_name=text(raw["sender_name"], "messages.sender_name"),
        from_address=row_values.optional_text(raw["from_address"], "mail_headers.from_address") or "",
        to=_addresses(row_values.optional_text(raw["to_json"], "mail_headers.to_json") or ""),
        cc=_addresses(row_values.optional_text(raw["cc_json"], "mail_headers.cc_json") or ""),
        references=tuple((row_values.optional_text(raw["refs"], "mail_headers.refs") or "").split()),
        sent_at=row_values.timestamp(raw["sent_at"], "messages.sent_at"),
        text=text(raw["text"], "messages.text"),
        html=text(raw["html"], "messages.html"),
        body_fetched=text(raw["body_state"], "messages.body_state") != "headers",
    )


def mail_of(conn: Connection, message_id: int) -> StoredMail | None:
    """The mail with ``message_id`` (None when it is not stored or not a mail)."""
    query = (
        select(*_COLUMNS)
        .outerjoin(mail_headers, mail_headers.c.message_id == messages.c.id)
        .where(messages.c.id == message_id, messages.c.kind == MAIL_KIND)
    )
    raw = conn.execute(query).mappings().first()
    return _mail(dict(raw)) if raw is not None else None


def mail_to_answer(conn: Connection, conversation_id: int) -> StoredMail | None:
    """The mail a reply answers: the customer's newest mail, else the newest mail of the conversation."""
    for incoming_only in (True, False):
        query = (
            select(*_COLUMNS)
            .outerjoin(mail_headers, mail_headers.c.message_id == messages.c.id)
            .where(messages.c.conversation_id == conversation_id, messages.c.kind == MAIL_KIND)
            .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
            .limit(1)
        )
        if incoming_only:
            query = query.where(messages.c.outgoing == 0)
        raw = conn.execute(query).mappings().first()
        if raw is not None:
            return _mail(dict(raw))
    return None


def set_html(conn: Connection, message_id: int, html: str) -> None:
    """Keep a mail's sanitised HTML part (the demo's sample mails; the sync writes bodies itself)."""
    conn.execute(update(messages).where(messages.c.id == message_id).values(html=html))


def set_subject(conn: Connection, message_id: int, subject: str) -> None:
    conn.execute(update(messages).where(messages.c.id == message_id).values(subject=subject))


def mailbox_of(conn: Connection, conversation_id: int) -> tuple[int, str, str]:
    """The conversation's account id, the account's kind and its name (for a mailbox, its address)."""
    account_id, kind, name = conn.execute(
        select(accounts.c.id, accounts.c.kind, accounts.c.name)
        .join(conversations, conversations.c.account_id == accounts.c.id)
        .where(conversations.c.id == conversation_id)
    ).one()
    return int(account_id), str(kind), str(name)


def assignee_of(conn: Connection, conversation_id: int) -> str:
    value = conn.execute(select(conversations.c.assignee).where(conversations.c.id == conversation_id)).scalar()
    return str(value or "")


def attendant_name_in(conn: Connection, conversation_id: int) -> str:
    """The name the attendant's newest mail in the conversation went out under ("" when none has one)."""
    value = conn.execute(
        select(messages.c.sender_name)
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.outgoing == 1,
            messages.c.kind == MAIL_KIND,
            messages.c.sender_name != "",
        )
        .order_by(messages.c.sent_at.desc(), messages.c.id.desc())
        .limit(1)
    ).scalar()
    return str(value or "")
