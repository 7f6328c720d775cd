"""Stepwise schema migrations, tracked in ``PRAGMA user_version``.

A new store runs every step from 1 on, exactly as an old store is upgraded, so both paths are the same code. Each
step runs in one transaction: a crash leaves the store at the previous version. Steps are append-only: never edit a
step that has shipped; add a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Connection

log = logging.getLogger("deskchat.store")


class StoreFromNewerVersion(RuntimeError):
    """The store was written by a newer DeskChat; opening it here could damage it."""


_V1 = [
    """CREATE TABLE accounts (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'disconnected', settings_json TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL)""",
    """CREATE TABLE contacts (
        id INTEGER PRIMARY KEY, display_name TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL)""",
    """CREATE TABLE contact_identities (
        id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (kind, value))""",
    "CREATE INDEX ix_identities_contact ON contact_identities(contact_id)",
    """CREATE TABLE conversations (
        id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
        contact_id INTEGER NOT NULL REFERENCES contacts(id), channel_key TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'pending',
        unread_count INTEGER NOT NULL DEFAULT 0, last_message_at INTEGER NOT NULL DEFAULT 0,
        last_preview TEXT NOT NULL DEFAULT '', last_outgoing INTEGER NOT NULL DEFAULT 0,
        assignee TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, closed_at INTEGER,
        UNIQUE (account_id, channel_key))""",
    "CREATE INDEX ix_conversations_list ON conversations(status, last_message_at DESC, id DESC)",
    "CREATE INDEX ix_conversations_contact ON conversations(contact_id)",
    """CREATE TABLE messages (
        id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id),
        account_id INTEGER NOT NULL, channel_id TEXT NOT NULL, outgoing INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'text', sender_name TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '', sent_at INTEGER NOT NULL, stored_at INTEGER NOT NULL,
        delivery TEXT NOT NULL, reply_to_channel_id TEXT, edited_at INTEGER, deleted_at INTEGER,
        UNIQUE (account_id, channel_id))""",
    "CREATE INDEX ix_messages_conversation_time ON messages(conversation_id, sent_at, id)",
    """CREATE TABLE media (
        id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, mime TEXT NOT NULL DEFAULT 'application/octet-stream',
        size INTEGER NOT NULL, data BLOB NOT NULL)""",
    """CREATE TABLE attachments (
        id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        file_name TEXT NOT NULL DEFAULT '', mime TEXT NOT NULL DEFAULT 'application/octet-stream',
        size INTEGER NOT NULL DEFAULT 0, media_id INTEGER REFERENCES media(id), thumbnail BLOB,
        download_state TEXT NOT NULL DEFAULT 'pending', remote_ref TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX ix_attachments_message ON attachments(message_id)",
    """CREATE TABLE crm_clients (
        id INTEGER PRIMARY KEY, contact_id INTEGER UNIQUE REFERENCES contacts(id), crm_id TEXT UNIQUE,
        name TEXT NOT NULL DEFAULT '', cnpj TEXT NOT NULL DEFAULT '', company_type TEXT NOT NULL DEFAULT '',
        credit_limit_cents INTEGER NOT NULL DEFAULT 0, debt_cents INTEGER NOT NULL DEFAULT 0,
        sales_stage TEXT NOT NULL DEFAULT 'lead', responsible TEXT NOT NULL DEFAULT '',
        etag TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL)""",
    """CREATE TABLE crm_cases (
        id INTEGER PRIMARY KEY, crm_id TEXT UNIQUE, client_id INTEGER REFERENCES crm_clients(id),
        contact_id INTEGER REFERENCES contacts(id), title TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open', queue TEXT NOT NULL DEFAULT '', priority TEXT NOT NULL DEFAULT 'normal',
        assignee TEXT NOT NULL DEFAULT '', opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        etag TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX ix_cases_contact ON crm_cases(contact_id)",
    """CREATE TABLE conversation_cases (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        case_id INTEGER NOT NULL REFERENCES crm_cases(id) ON DELETE CASCADE,
        linked_by TEXT NOT NULL DEFAULT 'manual', linked_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, case_id))""",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, account_id INTEGER,
        message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE, payload_json TEXT NOT NULL DEFAULT '{}',
        idempotency_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)""",
    "CREATE INDEX ix_outbox_due ON outbox(state, next_attempt_at)",
    """CREATE TABLE sync_state (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, folder TEXT NOT NULL,
        uidvalidity INTEGER, highest_uid INTEGER, highest_modseq INTEGER, cursor TEXT NOT NULL DEFAULT '',
        updated_at INTEGER NOT NULL, PRIMARY KEY (account_id, folder))""",
    """CREATE TABLE integration_log (
        id INTEGER PRIMARY KEY, account_id INTEGER, at INTEGER NOT NULL, level TEXT NOT NULL DEFAULT 'info',
        event TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE secrets (
        name TEXT PRIMARY KEY, value BLOB NOT NULL, updated_at INTEGER NOT NULL)""",
    # Full-text index, contentless (the text lives once, in messages); rowid = messages.id.
    """CREATE VIRTUAL TABLE message_search USING fts5(
        body, subject, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search(rowid, body, subject) VALUES (new.id, new.text, new.subject);
    END""",
    """CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_search WHERE rowid = old.id;
    END""",
]

# v2: reactions, group conversations, and attachment names in the search index.
_V2 = [
    """CREATE TABLE reactions (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, sender TEXT NOT NULL,
        emoji TEXT NOT NULL, reacted_at INTEGER NOT NULL, PRIMARY KEY (message_id, sender))""",
    "ALTER TABLE conversations ADD COLUMN is_group INTEGER NOT NULL DEFAULT 0",
    "DROP TRIGGER messages_search_insert",
    "DROP TRIGGER messages_search_delete",
    "ALTER TABLE message_search RENAME TO message_search_v1",
    """CREATE VIRTUAL TABLE message_search USING fts5(
        body, subject, files, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')""",
    """INSERT INTO message_search(rowid, body, subject, files)
        SELECT m.id, m.text, m.subject,
               coalesce((SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = m.id), '')
        FROM messages m""",
    "DROP TABLE message_search_v1",
    """CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search(rowid, body, subject, files) VALUES (new.id, new.text, new.subject, '');
    END""",
    """CREATE TRIGGER messages_search_update AFTER UPDATE OF text, subject ON messages BEGIN
        INSERT OR REPLACE INTO message_search(rowid, body, subject, files)
        SELECT new.id, new.text, new.subject,
               coalesce((SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = new.id), '');
    END""",
    """CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER attachments_search_insert AFTER INSERT ON attachments BEGIN
        INSERT OR REPLACE INTO message_search(rowid, body, subject, files)
        SELECT m.id, m.text, m.subject,
               coalesce((SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = m.id), '')
        FROM messages m WHERE m.id = new.message_id;
    END""",
]

# v3: new messages are indexed by the code that inserts them, in one statement per batch. An insert trigger makes
# FTS5 flush its pending terms at every row (each trigger runs in its own savepoint): 10x slower ingest.
_V3 = ["DROP TRIGGER messages_search_insert"]

# v4: durability and the window. The inbound spool holds each raw channel event from the moment it reaches Python
# until the transaction that stores its result removes it; an event that still fails goes alone to dead_letters.
# Changes (reactions, edits, receipts) for a message not yet stored wait in pending_changes, capped per target.
# An outbox row records the channel id chosen before its first send, so a resend after a crash reuses it.
# A draft belongs to its conversation. Tab counts read one index.
_V4 = [
    """CREATE TABLE inbound_spool (
        id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, kind TEXT NOT NULL,
        payload BLOB NOT NULL, received_at INTEGER NOT NULL)""",
    "CREATE INDEX ix_inbound_spool_account ON inbound_spool(account_id, id)",
    """CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY, account_id INTEGER, kind TEXT NOT NULL, payload BLOB NOT NULL,
        error TEXT NOT NULL DEFAULT '', received_at INTEGER NOT NULL, failed_at INTEGER NOT NULL,
        retries INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE pending_changes (
        id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, target_channel_id TEXT NOT NULL, kind TEXT NOT NULL,
        payload BLOB NOT NULL, received_at INTEGER NOT NULL)""",
    "CREATE INDEX ix_pending_changes_target ON pending_changes(account_id, target_channel_id)",
    """CREATE TABLE drafts (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        text TEXT NOT NULL DEFAULT '', reply_to_channel_id TEXT, attachments_json TEXT NOT NULL DEFAULT '[]',
        updated_at INTEGER NOT NULL)""",
    "ALTER TABLE outbox ADD COLUMN channel_id TEXT",
    "CREATE INDEX ix_conversations_tabs ON conversations(is_group, status)",
]

# v5: e-mail. A message may arrive as headers first and get its body later (``body_state``), with a sanitised HTML
# part. ``mail_uids`` maps each IMAP (folder, UIDVALIDITY, UID) to the stored message with the server's flags; a
# message is never deleted when the server expunges it (``expunged_at``). ``mail_headers`` keeps what a reply needs.
_V5 = [
    "ALTER TABLE messages ADD COLUMN html TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE messages ADD COLUMN body_state TEXT NOT NULL DEFAULT 'full'",
    """CREATE TABLE mail_uids (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        flags TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0, expunged_at INTEGER,
        PRIMARY KEY (account_id, folder, uidvalidity, uid))""",
    "CREATE INDEX ix_mail_uids_message ON mail_uids(message_id)",
    """CREATE TABLE mail_headers (
        message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        from_address TEXT NOT NULL DEFAULT '', to_json TEXT NOT NULL DEFAULT '[]',
        cc_json TEXT NOT NULL DEFAULT '[]', refs TEXT NOT NULL DEFAULT '', automatic INTEGER NOT NULL DEFAULT 0)""",
]


# v6: contact merges. A merge records each row it moved from the absorbed contact to
# the kept one (what = identity | conversation | case | client | name | folded), so an undo moves exactly those back.
_V6 = [
    """CREATE TABLE contact_merges (
        id INTEGER PRIMARY KEY, kept_contact_id INTEGER NOT NULL REFERENCES contacts(id),
        absorbed_contact_id INTEGER NOT NULL REFERENCES contacts(id), reason TEXT NOT NULL,
        merged_at INTEGER NOT NULL, undone_at INTEGER)""",
    "CREATE INDEX ix_contact_merges_kept ON contact_merges(kept_contact_id, undone_at)",
    """CREATE TABLE contact_merge_moves (
        merge_id INTEGER NOT NULL REFERENCES contact_merges(id) ON DELETE CASCADE, what TEXT NOT NULL,
        row_id INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (merge_id, what, row_id))""",
]

# v7: why a local CRM client record belongs to its contact ("lead": created here, "manual": linked by the attendant,
# "phone" / "email": matched by an identity; "" when the CRM record came with its contact).
_V7 = [
    "ALTER TABLE crm_clients ADD COLUMN linked_by TEXT NOT NULL DEFAULT ''",
]

# v8, the CRM journal: each CRM outbox row names the record it writes (``record_key``, "cases:<uuid>", the first of its
# payload's ``records``), indexed, so a record's sync state and the journal read one index; rows written before are
# filled from their payload. A write the CRM refused with 412 keeps the CRM's fresh version and the fields both sides
# changed in ``crm_conflicts`` until the attendant decides.
_V8 = [
    "ALTER TABLE outbox ADD COLUMN record_key TEXT",
    """UPDATE outbox SET record_key = json_extract(payload_json, '$.records[0]')
        WHERE kind = 'crm_call' AND json_valid(payload_json)""",
    "CREATE INDEX ix_outbox_record ON outbox(record_key, state)",
    "CREATE INDEX ix_outbox_kind_updated ON outbox(kind, updated_at)",
    """CREATE TABLE crm_conflicts (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE, record_key TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '', theirs_json TEXT NOT NULL DEFAULT '{}',
        fields_json TEXT NOT NULL DEFAULT '[]', detected_at INTEGER NOT NULL)""",
]

# v9: one row per customer in the list. The tab counts group the customer conversations by contact and take the most
# active ticket of each (customer_list.counts): this index holds all three, so the count reads only the index.
_V9 = [
    "CREATE INDEX ix_conversations_customer ON conversations(is_group, contact_id, status)",
]

# v10: the mail composer and the mail view. A signature per mailbox; the mail composer's draft per conversation
# (recipients, subject, text; the chat draft stays in ``drafts``); the senders whose remote images always show.
_V10 = [
    """CREATE TABLE mail_signatures (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        text TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL)""",
    """CREATE TABLE mail_drafts (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        to_text TEXT NOT NULL DEFAULT '', cc_text TEXT NOT NULL DEFAULT '', bcc_text TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL)""",
    """CREATE TABLE mail_image_senders (
        address TEXT PRIMARY KEY, allowed_at INTEGER NOT NULL)""",
]

# v11, the CRM directory: queues (sectors) and attendants pulled from the CRM (``mine``: a queue of the signed-in
# attendant), and each case's number as the CRM shows it ("#123"), with the CRM ids of its queue and assignee.
_V11 = [
    """CREATE TABLE crm_queues (
        crm_id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
        mine INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)""",
    """CREATE TABLE crm_attendants (
        crm_id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', login TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1, queue_ids_json TEXT NOT NULL DEFAULT '[]', updated_at INTEGER NOT NULL)""",
    "ALTER TABLE crm_cases ADD COLUMN display_number TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE crm_cases ADD COLUMN queue_crm_id TEXT",
    "ALTER TABLE crm_cases ADD COLUMN assignee_crm_id TEXT",
    "CREATE INDEX ix_crm_cases_display_number ON crm_cases(display_number)",
    "CREATE INDEX ix_crm_cases_assignee ON crm_cases(assignee_crm_id)",
]

# v12, the message history of linked conversations pushed to the CRM: which message was queued for which case
# (so nothing is queued twice and nothing is forgotten across restarts), and which conversation–case links had their
# earlier messages queued (a new link pushes its conversation's earlier messages once).
_V12 = [
    """CREATE TABLE crm_history_pushed (
        case_id INTEGER NOT NULL REFERENCES crm_cases(id) ON DELETE CASCADE,
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        queued_at INTEGER NOT NULL, PRIMARY KEY (case_id, message_id)) WITHOUT ROWID""",
    "CREATE INDEX ix_crm_history_pushed_message ON crm_history_pushed(message_id)",
    """CREATE TABLE crm_history_links (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        case_id INTEGER NOT NULL REFERENCES crm_cases(id) ON DELETE CASCADE,
        queued_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, case_id)) WITHOUT ROWID""",
]

# v13, case statuses in the CRM contract's words: pendente | em_atendimento | encerrado (older builds and demo
# profiles stored open | waiting | resolved | closed, which the e-mail and phone linking never matched).
_V13 = [
    "UPDATE crm_cases SET status = 'pendente' WHERE status IN ('pending', 'new', '')",
    "UPDATE crm_cases SET status = 'em_atendimento' WHERE status IN ('open', 'waiting', 'in_progress')",
    "UPDATE crm_cases SET status = 'encerrado' WHERE status IN ('resolved', 'closed')",
]

# v14, mail whose body is still to fetch found through a partial index: the background body queue asks for the newest
# of them about every thousand bodies, and without it each look-up read every stored mail (bodies included).
_V14 = [
    "CREATE INDEX ix_messages_body_pending ON messages(account_id, sent_at) WHERE body_state = 'headers'",
]

STEPS: Sequence[Sequence[str]] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12, _V13, _V14)
LATEST_VERSION = len(STEPS)


def schema_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def migrate(conn: Connection, target: int = LATEST_VERSION) -> int:
    """Bring the store up to ``target``, one committed step at a time; returns the version reached.

    ``conn`` must not be inside a transaction. Refuses a store written by a newer version.
    """
    current = schema_version(conn)
    conn.commit()
    if current > LATEST_VERSION:
        raise StoreFromNewerVersion(
            f"store schema version {current} is newer than this DeskChat understands ({LATEST_VERSION})"
        )
    for version in range(current + 1, target + 1):
        log.info("migrating store to schema version %d", version)
        with conn.begin():
            for statement in STEPS[version - 1]:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
    reached = schema_version(conn)
    conn.commit()
    return reached
