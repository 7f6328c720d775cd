"""Table definitions used by queries (SQLAlchemy Core).

The DDL that creates and evolves these tables lives in :mod:`deskchat.store.migrations`; a test checks that a store
built by the migrations has exactly the columns declared here.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),  # ChannelKind
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=False, server_default=""),  # phone number or e-mail address
    Column("state", Text, nullable=False, server_default="disconnected"),
    Column("settings_json", Text, nullable=False, server_default="{}"),
    Column("created_at", Integer, nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("display_name", Text, nullable=False, server_default=""),
    Column("created_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
)

contact_identities = Table(
    "contact_identities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),  # phone | wa_pn | wa_lid | email | crm
    Column("value", Text, nullable=False),
    UniqueConstraint("kind", "value"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=False),
    Column("channel_key", Text, nullable=False),  # chat JID or e-mail thread key
    Column("title", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("unread_count", Integer, nullable=False, server_default="0"),
    Column("last_message_at", Integer, nullable=False, server_default="0"),  # unix ms
    Column("last_preview", Text, nullable=False, server_default=""),
    Column("last_outgoing", Integer, nullable=False, server_default="0"),
    Column("assignee", Text, nullable=False, server_default=""),
    Column("is_group", Integer, nullable=False, server_default="0"),
    Column("created_at", Integer, nullable=False),
    Column("closed_at", Integer),
    UniqueConstraint("account_id", "channel_key"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, ForeignKey("conversations.id"), nullable=False),
    Column("account_id", Integer, nullable=False),
    Column("channel_id", Text, nullable=False),  # the channel's own id, unique per account
    Column("outgoing", Integer, nullable=False),
    Column("kind", Text, nullable=False, server_default="text"),  # text|image|video|audio|voice|document|sticker|email
    Column("sender_name", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("subject", Text, nullable=False, server_default=""),
    Column("sent_at", Integer, nullable=False),  # unix ms
    Column("stored_at", Integer, nullable=False),  # unix ms
    Column("delivery", Text, nullable=False),  # DeliveryState
    Column("reply_to_channel_id", Text),
    Column("edited_at", Integer),
    Column("deleted_at", Integer),
    Column("html", Text, nullable=False, server_default=""),  # sanitised HTML part (e-mail)
    Column("body_state", Text, nullable=False, server_default="full"),  # headers (body not fetched yet) | full
    UniqueConstraint("account_id", "channel_id"),
)
Index("ix_messages_conversation_time", messages.c.conversation_id, messages.c.sent_at, messages.c.id)
Index(
    "ix_messages_body_pending",
    messages.c.account_id,
    messages.c.sent_at,
    sqlite_where=messages.c.body_state == "headers",
)

reactions = Table(
    "reactions",
    metadata,
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("sender", Text, primary_key=True),
    Column("emoji", Text, nullable=False),
    Column("reacted_at", Integer, nullable=False),
)

media = Table(
    "media",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", Text, nullable=False, unique=True),
    Column("mime", Text, nullable=False, server_default="application/octet-stream"),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", Text, nullable=False, server_default=""),
    Column("mime", Text, nullable=False, server_default="application/octet-stream"),
    Column("size", Integer, nullable=False, server_default="0"),
    Column("media_id", Integer, ForeignKey("media.id")),
    Column("thumbnail", LargeBinary),
    Column("download_state", Text, nullable=False, server_default="pending"),  # pending|done|failed|expired|skipped
    Column("remote_ref", Text, nullable=False, server_default=""),  # channel data needed to download it
)
Index("ix_attachments_message", attachments.c.message_id)

crm_clients = Table(
    "crm_clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), unique=True),
    Column("crm_id", Text, unique=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("cnpj", Text, nullable=False, server_default=""),
    Column("company_type", Text, nullable=False, server_default=""),
    Column("credit_limit_cents", Integer, nullable=False, server_default="0"),
    Column("debt_cents", Integer, nullable=False, server_default="0"),
    Column("sales_stage", Text, nullable=False, server_default="lead"),
    Column("responsible", Text, nullable=False, server_default=""),
    Column("etag", Text, nullable=False, server_default=""),
    Column("updated_at", Integer, nullable=False),
    Column("linked_by", Text, nullable=False, server_default=""),  # lead | manual | phone | email | "" (the CRM's)
)

crm_cases = Table(
    "crm_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("crm_id", Text, unique=True),  # the case number shown as "[Caso #123]"
    Column("client_id", Integer, ForeignKey("crm_clients.id")),
    Column("contact_id", Integer, ForeignKey("contacts.id")),
    Column("title", Text, nullable=False, server_default=""),
    # pendente|em_atendimento|encerrado (stores older than v12: the column's default is still 'open'; every
    # write names its status)
    Column("status", Text, nullable=False, server_default="open"),
    Column("queue", Text, nullable=False, server_default=""),
    Column("priority", Text, nullable=False, server_default="normal"),  # low|normal|high|urgent
    Column("assignee", Text, nullable=False, server_default=""),
    Column("opened_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
    Column("etag", Text, nullable=False, server_default=""),
    Column("display_number", Text, nullable=False, server_default=""),  # as the CRM shows it: "#123"
    Column("queue_crm_id", Text),
    Column("assignee_crm_id", Text),
)
Index("ix_crm_cases_display_number", crm_cases.c.display_number)
Index("ix_crm_cases_assignee", crm_cases.c.assignee_crm_id)

crm_queues = Table(
    "crm_queues",
    metadata,
    Column("crm_id", Text, primary_key=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("mine", Integer, nullable=False, server_default="0"),  # a queue of the signed-in attendant
    Column("updated_at", Integer, nullable=False),
)

crm_attendants = Table(
    "crm_attendants",
    metadata,
    Column("crm_id", Text, primary_key=True),
    Column("name", Text, nullable=False, server_default=""),
    Column("login", Text, nullable=False, server_default=""),
    Column("active", Integer, nullable=False, server_default="1"),
    Column("queue_ids_json", Text, nullable=False, server_default="[]"),
    Column("updated_at", Integer, nullable=False),
)

conversation_cases = Table(
    "conversation_cases",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", Integer, ForeignKey("crm_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("linked_by", Text, nullable=False, server_default="manual"),  # phone|email|subject|manual
    Column("linked_at", Integer, nullable=False),
)

crm_history_pushed = Table(  # a message queued for a case's CRM history
    "crm_history_pushed",
    metadata,
    Column("case_id", Integer, ForeignKey("crm_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("queued_at", Integer, nullable=False),
    sqlite_with_rowid=False,
)
Index("ix_crm_history_pushed_message", crm_history_pushed.c.message_id)

crm_history_links = Table(  # a conversation–case link whose earlier messages were queued for the CRM
    "crm_history_links",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", Integer, ForeignKey("crm_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("queued_at", Integer, nullable=False),
    sqlite_with_rowid=False,
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", Text, nullable=False),  # channel_message | crm_call
    Column("account_id", Integer),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE")),
    Column("payload_json", Text, nullable=False, server_default="{}"),
    Column("idempotency_key", Text, nullable=False, unique=True),
    Column("state", Text, nullable=False, server_default="queued"),  # queued|in_flight|done|failed|parked
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("created_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
    Column("channel_id", Text),  # the channel's id for the message, chosen before the first send and reused
    Column("record_key", Text),  # a CRM row's record ("cases:<uuid>"): its sync state and the journal
)
Index("ix_outbox_due", outbox.c.state, outbox.c.next_attempt_at)
Index("ix_outbox_record", outbox.c.record_key, outbox.c.state)
Index("ix_outbox_kind_updated", outbox.c.kind, outbox.c.updated_at)

crm_conflicts = Table(
    "crm_conflicts",
    metadata,
    Column("outbox_id", Integer, ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True),
    Column("record_key", Text, nullable=False),
    Column("etag", Text, nullable=False, server_default=""),  # the CRM's version when the conflict was found
    Column("theirs_json", Text, nullable=False, server_default="{}"),  # the CRM's record then
    Column("fields_json", Text, nullable=False, server_default="[]"),  # [{field, mine, theirs}] both sides changed
    Column("detected_at", Integer, nullable=False),
)

inbound_spool = Table(
    "inbound_spool",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, nullable=False),
    Column("kind", Text, nullable=False),  # the channel's event type
    Column("payload", LargeBinary, nullable=False),  # the raw event bytes as the channel library delivered them
    Column("received_at", Integer, nullable=False),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer),
    Column("kind", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("error", Text, nullable=False, server_default=""),  # what went wrong, without customer data
    Column("received_at", Integer, nullable=False),
    Column("failed_at", Integer, nullable=False),
    Column("retries", Integer, nullable=False, server_default="0"),
)

pending_changes = Table(
    "pending_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("target_channel_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("received_at", Integer, nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False, server_default=""),
    Column("reply_to_channel_id", Text),
    Column("attachments_json", Text, nullable=False, server_default="[]"),
    Column("updated_at", Integer, nullable=False),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("folder", Text, primary_key=True),  # IMAP folder, "history" for WhatsApp, "crm" for the CRM cursor
    Column("uidvalidity", Integer),
    Column("highest_uid", Integer),
    Column("highest_modseq", Integer),
    Column("cursor", Text, nullable=False, server_default=""),
    Column("updated_at", Integer, nullable=False),
)

integration_log = Table(
    "integration_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer),
    Column("at", Integer, nullable=False),
    Column("level", Text, nullable=False, server_default="info"),
    Column("event", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)

secrets = Table(
    "secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("updated_at", Integer, nullable=False),
)

mail_uids = Table(
    "mail_uids",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("folder", Text, primary_key=True),
    Column("uidvalidity", Integer, primary_key=True),
    Column("uid", Integer, primary_key=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("flags", Text, nullable=False, server_default=""),  # the server's flags, space-separated
    Column("size", Integer, nullable=False, server_default="0"),
    Column("expunged_at", Integer),  # gone from the server; the message stays
)
Index("ix_mail_uids_message", mail_uids.c.message_id)

mail_headers = Table(
    "mail_headers",
    metadata,
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("from_address", Text, nullable=False, server_default=""),
    Column("to_json", Text, nullable=False, server_default="[]"),
    Column("cc_json", Text, nullable=False, server_default="[]"),
    Column("refs", Text, nullable=False, server_default=""),  # References, space-separated, without brackets
    Column("automatic", Integer, nullable=False, server_default="0"),
)

mail_signatures = Table(
    "mail_signatures",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False, server_default=""),
    Column("updated_at", Integer, nullable=False),
)

mail_drafts = Table(
    "mail_drafts",
    metadata,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("to_text", Text, nullable=False, server_default=""),
    Column("cc_text", Text, nullable=False, server_default=""),
    Column("bcc_text", Text, nullable=False, server_default=""),
    Column("subject", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("updated_at", Integer, nullable=False),
)

mail_image_senders = Table(
    "mail_image_senders",
    metadata,
    Column("address", Text, primary_key=True),  # lower-cased sender address
    Column("allowed_at", Integer, nullable=False),
)

#: The FTS5 table is not declared to SQLAlchemy (it has no portable DDL); see migrations. Its rowid is the message id
#: and its columns are ``body`` (message text), ``subject`` (e-mail subject) and ``files`` (attachment names).
SEARCH_TABLE = "message_search"
