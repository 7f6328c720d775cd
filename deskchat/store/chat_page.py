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
