"""The reference server's tables. Every guarantee of the contract is enforced here, by the database.

``change_seq`` orders pulls: it is drawn from one counter row at the end of each write transaction, so its order is
the order of commit and a cursor never skips a row. ``row_version`` is the ETag. Idempotency keys are unique per user.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

UUID = String(36)


def _versioned() -> list[Column[object]]:
    return [
        Column("row_version", Integer, nullable=False, default=1),
        Column("change_seq", BigInteger, nullable=False, index=True),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    ]


counters = Table(
    "counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

queues = Table(
    "queues",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    *_versioned(),
)

attendants = Table(
    "attendants",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254)),
    Column("login", String(200), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("queue_ids", JSON, nullable=False),
    *_versioned(),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phones", JSON, nullable=False),
    Column("emails", JSON, nullable=False),
    Column("cnpj", String(14)),
    Column("company_type", String(100)),
    Column("credit_limit_cents", BigInteger),
    Column("debt_cents", BigInteger),
    Column("status", String(10), nullable=False),
    Column("sales_stage", String(20), nullable=False),
    Column("responsible_id", UUID, ForeignKey("attendants.id")),
    Column("source", String(10), nullable=False),
    Column("score", Integer, nullable=False),
    Column("search_text", Text, nullable=False, default=""),
    *_versioned(),
)

cases = Table(
    "cases",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("contact_id", UUID, ForeignKey("contacts.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("queue_id", UUID, ForeignKey("queues.id"), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("assignee_id", UUID, ForeignKey("attendants.id")),
    Column("subject", String(300), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("opened_at", BigInteger, nullable=False),
    Column("closed_at", BigInteger),
    *_versioned(),
)

case_messages = Table(
    "case_messages",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("case_id", UUID, ForeignKey("cases.id"), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("sender", String(320)),
    Column("body", Text, nullable=False),
    Column("sent_at", BigInteger, nullable=False),
    Column("external_id", String(500)),
    *_versioned(),
    Index("ix_case_messages_case_seq", "case_id", "change_seq"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", UUID, primary_key=True),
    Column("contact_id", UUID, ForeignKey("contacts.id")),
    Column("case_id", UUID, ForeignKey("cases.id")),
    Column("author_id", UUID, ForeignKey("attendants.id"), nullable=False),
    Column("body", Text, nullable=False),
    *_versioned(),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("attendant_id", UUID, ForeignKey("attendants.id"), nullable=False),
    Column("family", String(64), nullable=False, index=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("attendant_id", UUID, nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(10), nullable=False),  # in_flight | done
    Column("started_at", BigInteger, nullable=False),
    Column("status", Integer),
    Column("headers", JSON),
    Column("body", LargeBinary),
    UniqueConstraint("attendant_id", "key", name="uq_idempotency_key_per_user"),
)

rate_windows = Table(
    "rate_windows",
    metadata,
    Column("subject", String(100), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)

faults = Table(
    "faults",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("method", String(10)),
    Column("path_prefix", String(300)),
    Column("remaining", Integer, nullable=False),
    Column("params", JSON, nullable=False),
)
