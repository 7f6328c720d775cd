"""Writing a channel's own steps (:mod:`deskchat.core.sync_steps`) in the caller's transaction, and what the e-mail
sync reads back: the UID map, mail whose body is still to fetch, a folder's state."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert

from deskchat.core.messages import Address, SyncState
from deskchat.core.sync_steps import (
    CaseLinkRequest,
    MailBody,
    MailFlagsChanged,
    MailSeen,
    MailUidValidityChanged,
    SyncStep,
)
from deskchat.store.case_links import link_mail
from deskchat.store.schema import attachments

SEEN_FLAG = "\\Seen"


@dataclass
class StepsWritten:
    """What the steps changed, for the announcements after the commit."""

    messages: list[tuple[int, int]] = field(default_factory=list)  # (conversation id, message id) with a new body
    conversations: set[int] = field(default_factory=set)  # list rows that changed (unread counts, links)


_STORED = "SELECT channel_id, id, conversation_id FROM messages WHERE account_id = ? AND channel_id IN ({marks})"
_PUT_UID = """INSERT INTO mail_uids (account_id, folder, uidvalidity, uid, message_id, flags, size, expunged_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
    ON CONFLICT (account_id, folder, uidvalidity, uid)
    DO UPDATE SET message_id = excluded.message_id, flags = excluded.flags, size = excluded.size"""
_PUT_HEADERS = """INSERT OR IGNORE INTO mail_headers (message_id, from_address, to_json, cc_json, refs, automatic)
    VALUES (?, ?, ?, ?, ?, ?)"""
_BODY_PENDING = "UPDATE messages SET body_state = 'headers' WHERE id = ?"
_SET_FLAGS = "UPDATE mail_uids SET flags = ? WHERE account_id = ? AND folder = ? AND uidvalidity = ? AND uid = ?"
_EXPUNGE = """UPDATE mail_uids SET expunged_at = ?
    WHERE account_id = ? AND folder = ? AND uidvalidity = ? AND uid = ? AND expunged_at IS NULL"""
_CONVERSATION_OF_UID = """SELECT m.conversation_id FROM mail_uids u JOIN messages m ON m.id = u.message_id
    WHERE u.account_id = ? AND u.folder = ? AND u.uidvalidity = ? AND u.uid = ?"""
_DROP_OLD_UIDS = "DELETE FROM mail_uids WHERE account_id = ? AND folder = ? AND uidvalidity != ?"
_LOOKUP_CHUNK = 500  # channel ids per look-up (well under SQLite's bound on parameters)
_WAITING_FOR_BODY = """SELECT channel_id, id, conversation_id FROM messages
    WHERE account_id = ? AND body_state = 'headers' AND channel_id IN ({marks})"""
_SET_BODY = """UPDATE messages SET text = ?, html = ?, body_state = 'full'
    WHERE id = ? AND body_state = 'headers'"""
#: A conversation's unread badge never counts more incoming mail than the server still shows unseen.
_FOLLOW_SEEN = """UPDATE conversations SET unread_count = min(unread_count, (
        SELECT count(*) FROM messages m WHERE m.conversation_id = conversations.id AND m.outgoing = 0
        AND EXISTS (SELECT 1 FROM mail_uids u WHERE u.message_id = m.id AND u.expunged_at IS NULL
                    AND instr(' ' || u.flags || ' ', ' \\Seen ') = 0)))
    WHERE id = ?"""
_PUT_HTML = "UPDATE messages SET html = ? WHERE id = ?"
_HTML_OF = "SELECT html FROM messages WHERE id = ?"


def apply_steps(
    conn: Connection, steps: Sequence[SyncStep], inserted: Collection[tuple[int, str]] = (), *, now: int
) -> StepsWritten:
    """Write ``steps`` in order at ``now``; ``inserted`` names the messages this transaction stored.

    A run of steps of one kind (a header batch's UID-map rows, a body group) is written in a few statements; case
    links, which touch other tables, are written as they come without ending a run.
    """
    written = StepsWritten()
    follow_seen: set[int] = set()
    stored = _stored_messages(conn, steps)
    seen: list[MailSeen] = []
    bodies: list[MailBody] = []
    sender_linked: set[int] = set()  # conversations already linked to their open case by this call

    def end_runs() -> None:
        if seen:
            _mail_seen(conn, seen, stored, inserted, follow_seen)
            seen.clear()
        if bodies:
            _bodies(conn, bodies, written)
            bodies.clear()

    for step in steps:
        if isinstance(step, MailSeen):
            if bodies:
                end_runs()  # a body is stored only once its message waits for it
            seen.append(step)
        elif isinstance(step, MailBody):
            if seen:
                end_runs()
            bodies.append(step)
        elif isinstance(step, CaseLinkRequest):
            _link_cases(conn, step, stored, sender_linked, written, now)
        else:
            end_runs()
            if isinstance(step, MailFlagsChanged):
                _flags_changed(conn, step, follow_seen, now)
            elif isinstance(step, MailUidValidityChanged):
                conn.exec_driver_sql(_DROP_OLD_UIDS, (step.account_id, step.folder, step.uidvalidity))
    end_runs()
    for conversation_id in follow_seen:
        if conn.exec_driver_sql(_FOLLOW_SEEN, (conversation_id,)).rowcount:
            written.conversations.add(conversation_id)
    return written


def put_html(conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Store the sanitised HTML part of messages just inserted (``(message id, html)``: a mail that came whole)."""
    params = [(html, message_id) for message_id, html in rows if html]
    if params:
        conn.exec_driver_sql(_PUT_HTML, params)


def mail_html(conn: Connection, message_id: int) -> str:
    """The sanitised HTML part of a stored mail ("" when it has none)."""
    return str(conn.exec_driver_sql(_HTML_OF, (message_id,)).scalar() or "")


def _addresses_json(addresses: Iterable[Address]) -> str:
    return json.dumps([[a.address, a.name] for a in addresses], ensure_ascii=False)


def _mail_seen(
    conn: Connection,
    run: Sequence[MailSeen],
    stored: dict[tuple[int, str], tuple[int, int]],
    inserted: Collection[tuple[int, str]],
    follow: set[int],
) -> None:
    """UID-map and header rows of a run of mails (a mail not stored has nothing to map)."""
    uid_rows: list[tuple[object, ...]] = []
    header_rows: list[tuple[object, ...]] = []
    body_pending: list[tuple[int]] = []
    for step in run:
        key = (step.account_id, step.channel_id)
        found = stored.get(key)
        if found is None:
            continue
        message_id, conversation_id = found
        flags = " ".join(step.flags)
        uid_rows.append((step.account_id, step.folder, step.uidvalidity, step.uid, message_id, flags, step.size))
        header_rows.append(
            (
                message_id,
                step.from_address,
                _addresses_json(step.to),
                _addresses_json(step.cc),
                " ".join(step.references),
                int(step.automatic),
            )
        )
        if step.body_pending and key in inserted:
            body_pending.append((message_id,))
        if SEEN_FLAG in step.flags:
            follow.add(conversation_id)
    for statement, rows in ((_PUT_UID, uid_rows), (_PUT_HEADERS, header_rows), (_BODY_PENDING, body_pending)):
        if rows:
            conn.exec_driver_sql(statement, rows)


def _flags_changed(conn: Connection, step: MailFlagsChanged, follow: set[int], now: int) -> None:
    where = (step.account_id, step.folder, step.uidvalidity)
    for uid, flags in step.flags.items():
        if conn.exec_driver_sql(_SET_FLAGS, (" ".join(flags), *where, uid)).rowcount:
            conversation = conn.exec_driver_sql(_CONVERSATION_OF_UID, (*where, uid)).scalar()
            if conversation is not None:
                follow.add(int(conversation))
    for uid in step.expunged:
        if conn.exec_driver_sql(_EXPUNGE, (now, *where, uid)).rowcount:
            conversation = conn.exec_driver_sql(_CONVERSATION_OF_UID, (*where, uid)).scalar()
            if conversation is not None:
                follow.add(int(conversation))


def _bodies(conn: Connection, steps: Sequence[MailBody], written: StepsWritten) -> None:
    """Store a run of bodies in a few statements: one look-up of the messages still without a body, one UPDATE and one
    attachment INSERT for them all. A message not stored, already given its body (a replayed group) or named twice
    (only its first body counts) is left as it is."""
    waiting = _waiting_for_body(conn, steps)
    new_bodies: list[tuple[str, str, int]] = []
    new_attachments: list[dict[str, object]] = []
    for step in steps:
        found = waiting.pop((step.account_id, step.channel_id), None)
        if found is None:
            continue
        message_id, conversation_id = found
        new_bodies.append((step.text, step.html, message_id))
        new_attachments.extend(
            {
                "message_id": message_id,
                "file_name": a.file_name,
                "mime": a.mime,
                "size": a.size,
                "remote_ref": a.remote_ref,
            }
            for a in step.attachments
        )
        written.messages.append((conversation_id, message_id))
    if new_bodies:
        conn.exec_driver_sql(_SET_BODY, new_bodies)
    if new_attachments:  # after the text: the search index reads it when an attachment's name is added
        conn.execute(insert(attachments), new_attachments)


def _waiting_for_body(conn: Connection, steps: Sequence[MailBody]) -> dict[tuple[int, str], tuple[int, int]]:
    """(account id, channel id) -> (message id, conversation id) of the messages of ``steps`` still without a body."""
    return _look_up(conn, _WAITING_FOR_BODY, ((step.account_id, step.channel_id) for step in steps))


def _stored_messages(conn: Connection, steps: Sequence[SyncStep]) -> dict[tuple[int, str], tuple[int, int]]:
    """(account id, channel id) -> (message id, conversation id) of the stored messages the UID-map and case-link
    steps name."""
    named = ((step.account_id, step.channel_id) for step in steps if isinstance(step, MailSeen | CaseLinkRequest))
    return _look_up(conn, _STORED, named)


def _look_up(conn: Connection, query: str, keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, int]]:
    """Run ``query`` (``account_id = ?`` and ``channel_id IN ({marks})``) over ``keys`` a chunk at a time."""
    channel_ids: dict[int, dict[str, None]] = {}
    for account_id, channel_id in keys:
        channel_ids.setdefault(account_id, {})[channel_id] = None
    found: dict[tuple[int, str], tuple[int, int]] = {}
    for account_id, of_account in channel_ids.items():
        names = list(of_account)
        for start in range(0, len(names), _LOOKUP_CHUNK):
            chunk = names[start : start + _LOOKUP_CHUNK]
            sql = query.format(marks=", ".join("?" * len(chunk)))
            for channel_id, message_id, conversation_id in conn.exec_driver_sql(sql, (account_id, *chunk)):
                found[(account_id, str(channel_id))] = (int(message_id), int(conversation_id))
    return found


def _link_cases(
    conn: Connection,
    step: CaseLinkRequest,
    stored: dict[tuple[int, str], tuple[int, int]],
    sender_linked: set[int],
    written: StepsWritten,
    now: int,
) -> None:
    found = stored.get((step.account_id, step.channel_id))
    if found is None:
        return
    _message_id, conversation_id = found
    if not step.case_ids:
        if conversation_id in sender_linked:
            return  # the same link again: the sender's open case has not changed in this transaction
        sender_linked.add(conversation_id)
    else:
        sender_linked.discard(conversation_id)
    if link_mail(conn, conversation_id, step.case_ids, automatic=step.automatic, now=now):
        written.conversations.add(conversation_id)


# -- what the e-mail sync reads ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingBody:
    channel_id: str
    folder: str
    uidvalidity: int
    uid: int
    size: int


_LOCAL_UIDS = """SELECT uid FROM mail_uids
    WHERE account_id = ? AND folder = ? AND uidvalidity = ? AND expunged_at IS NULL"""
_PENDING_BODIES = """SELECT m.channel_id, u.folder, u.uidvalidity, u.uid, u.size FROM messages m
    JOIN mail_uids u ON u.message_id = m.id AND u.expunged_at IS NULL
    JOIN sync_state s ON s.account_id = u.account_id AND s.folder = u.folder AND s.uidvalidity = u.uidvalidity
    WHERE m.account_id = ? AND m.body_state = 'headers'
    ORDER BY m.sent_at DESC LIMIT ?"""
_PENDING_BODY_OF = """SELECT m.channel_id, u.folder, u.uidvalidity, u.uid, u.size FROM messages m
    JOIN mail_uids u ON u.message_id = m.id AND u.expunged_at IS NULL
    WHERE m.id = ? AND m.body_state = 'headers' LIMIT 1"""
_SYNC_STATE = """SELECT uidvalidity, highest_uid, highest_modseq, cursor FROM sync_state
    WHERE account_id = ? AND folder = ?"""


def local_uids(conn: Connection, account_id: int, folder: str, uidvalidity: int) -> set[int]:
    """The UIDs of ``folder`` (under ``uidvalidity``) held locally and not known to be expunged."""
    return {int(uid) for (uid,) in conn.exec_driver_sql(_LOCAL_UIDS, (account_id, folder, uidvalidity))}


def pending_bodies(conn: Connection, account_id: int, limit: int) -> list[PendingBody]:
    """Mail whose body is still to fetch, newest first (under each folder's current UIDVALIDITY)."""
    return [
        PendingBody(str(c), str(f), int(v), int(u), int(s))
        for c, f, v, u, s in conn.exec_driver_sql(_PENDING_BODIES, (account_id, limit))
    ]


def pending_body_of(conn: Connection, message_id: int) -> PendingBody | None:
    """Where to fetch the body of stored message ``message_id`` (None: it has its body, or is not on the server)."""
    row = conn.exec_driver_sql(_PENDING_BODY_OF, (message_id,)).first()
    return None if row is None else PendingBody(str(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]))


def load_sync_state(conn: Connection, account_id: int, folder: str) -> SyncState | None:
    row = conn.exec_driver_sql(_SYNC_STATE, (account_id, folder)).first()
    if row is None:
        return None
    uidvalidity, highest_uid, highest_modseq, cursor = row
    return SyncState(
        account_id,
        folder,
        None if uidvalidity is None else int(uidvalidity),
        None if highest_uid is None else int(highest_uid),
        None if highest_modseq is None else int(highest_modseq),
        str(cursor or ""),
    )
