"""What a page of chat bubbles needs besides the message rows: files, thumbnails, reactions, why a send was parked,
and the quoted messages that are not on the page."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from deskchat.store import media, messages, outbox
from deskchat.store.messages import MessageRow

THUMBNAIL_KINDS = ("image", "video", "sticker")


@dataclass(frozen=True)
class PageExtras:
    files: dict[int, list[tuple[str, str, int]]] = field(default_factory=dict)
    thumbnails: dict[int, bytes] = field(default_factory=dict)
    reactions: dict[int, list[str]] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)  # message id -> why it was parked
    quoted: dict[str, MessageRow] = field(default_factory=dict)  # channel id -> a quoted message not on the page


def page_extras(conn: Connection, rows: Sequence[MessageRow], known_channel_ids: Collection[str]) -> PageExtras:
    """Everything ``rows`` show besides themselves; quotes of ids in ``known_channel_ids`` are not looked up."""
    ids = [row.id for row in rows]
    on_page = {row.channel_id for row in rows}
    quoted: dict[str, MessageRow] = {}
    for row in rows:
        target_id = row.reply_to_channel_id
        if not target_id or target_id in on_page or target_id in known_channel_ids or target_id in quoted:
            continue
        target = messages.find_by_channel_id(conn, row.account_id, target_id)
        if target is not None:
            quoted[target_id] = target
    return PageExtras(
        files=messages.attachment_names(conn, ids),
        thumbnails=media.thumbnails_of(conn, [row.id for row in rows if row.kind in THUMBNAIL_KINDS]),
        reactions=messages.reactions_of(conn, ids),
        failures=outbox.parked_reasons(conn, [row.id for row in rows if row.delivery == "failed"]),
        quoted=quoted,
    )


# -- one customer, one timeline ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineMember:
    """One of the customer's conversations shown in their timeline: a channel the attendant can reply by."""

    conversation_id: int
    account_id: int
    channel: str  # ChannelKind value of the account
    account_name: str
    channel_key: str  # the chat JID or the customer's e-mail address
    last_incoming_at: int  # when the customer last wrote here (unix ms; 0: never)


_MEMBERS = (
    "SELECT c.id, c.account_id, a.kind, a.name, c.channel_key FROM conversations AS c"
    " JOIN accounts AS a ON a.id = c.account_id"
    " WHERE c.contact_id = (SELECT contact_id FROM conversations WHERE id = ?) AND c.is_group = 0 ORDER BY c.id"
)
_SELF = (
    "SELECT c.id, c.account_id, a.kind, a.name, c.channel_key, c.is_group FROM conversations AS c"
    " JOIN accounts AS a ON a.id = c.account_id WHERE c.id = ?"
)
#: Walks ix_messages_conversation_time backwards to the customer's newest message.
_LAST_INCOMING = (
    "SELECT sent_at FROM messages WHERE conversation_id = ? AND outgoing = 0 ORDER BY sent_at DESC, id DESC LIMIT 1"
)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def timeline_members(conn: Connection, conversation_id: int) -> list[TimelineMember]:
    """The conversations whose messages form ``conversation_id``'s timeline: every customer conversation of its
    contact (a group conversation: itself alone); empty when it does not exist."""
    own = conn.exec_driver_sql(_SELF, (conversation_id,)).first()
    if own is None:
        return []
    rows = [own[:5]] if own[5] else list(conn.exec_driver_sql(_MEMBERS, (conversation_id,)))
    members = []
    for cid, account_id, kind, name, channel_key in rows:
        last = conn.exec_driver_sql(_LAST_INCOMING, (int(cid),)).scalar()
        members.append(
            TimelineMember(int(cid), int(account_id), _text(kind), _text(name), _text(channel_key), int(last or 0))
        )
    return members


_CUSTOMER = "SELECT contact_id FROM conversations WHERE id = ? AND is_group = 0"


def customer_of(conn: Connection, conversation_id: int) -> int | None:
    """The contact whose timeline ``conversation_id`` belongs to; None for a group or a conversation that is gone."""
    found = conn.exec_driver_sql(_CUSTOMER, (conversation_id,)).scalar()
    return int(found) if found is not None else None


def timeline_page_before(
    conn: Connection, conversation_ids: Sequence[int], before: messages.PageCursor | None, limit: int
) -> list[MessageRow]:
    """Up to ``limit`` messages of all ``conversation_ids`` older than ``before``, oldest first: each conversation's
    own page (one indexed range each), merged, and the newest ``limit`` of them kept."""
    if len(conversation_ids) == 1:
        return messages.page_before(conn, conversation_ids[0], before, limit)
    merged = [row for cid in conversation_ids for row in messages.page_before(conn, cid, before, limit)]
    merged.sort(key=lambda row: (row.sent_at, row.id))
    return merged[-limit:] if limit else []


@dataclass(frozen=True)
class NewChannel:
    """A channel the customer can be reached by but has no conversation on yet: an account and their address."""

    account_id: int
    channel: str  # ChannelKind value
    account_name: str
    address: str  # e-mail address or E.164 phone


_ACCOUNTS = "SELECT id, kind, name FROM accounts WHERE kind IN ('whatsapp', 'email') ORDER BY id"
_IDENTITIES = (
    "SELECT kind, value FROM contact_identities"
    " WHERE contact_id = (SELECT contact_id FROM conversations WHERE id = ?) AND kind IN ('email', 'phone')"
    " ORDER BY id"
)


def new_channels(conn: Connection, conversation_id: int, members: Sequence[TimelineMember]) -> list[NewChannel]:
    """Accounts the customer of ``conversation_id`` has no conversation on, with an address of theirs for it."""
    used = {member.account_id for member in members}
    addresses: dict[str, str] = {}
    for kind, value in conn.exec_driver_sql(_IDENTITIES, (conversation_id,)):
        addresses.setdefault("email" if _text(kind) == "email" else "whatsapp", _text(value))
    found = []
    for account_id, kind, name in conn.exec_driver_sql(_ACCOUNTS):
        channel = _text(kind)
        if int(account_id) not in used and channel in addresses:
            found.append(NewChannel(int(account_id), channel, _text(name), addresses[channel]))
    return found
