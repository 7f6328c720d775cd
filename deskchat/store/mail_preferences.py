"""The attendant's mail choices kept in the encrypted store: a signature per mailbox, the mail composer's draft per
conversation, and the senders whose remote images always show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from deskchat.store import row_values
from deskchat.store.schema import mail_drafts, mail_image_senders, mail_signatures

# -- signatures --------------------------------------------------------------------------------------------------


def signature_of(conn: Connection, account_id: int) -> str | None:
    """The mailbox's signature as the attendant wrote it (None when never set: the composer offers a default)."""
    raw = conn.execute(
        select(row_values.as_bytes(mail_signatures.c.text)).where(mail_signatures.c.account_id == account_id)
    ).scalar()
    return None if raw is None else row_values.text(raw, "mail_signatures.text")


def save_signature(conn: Connection, account_id: int, text: str, *, now: int) -> None:
    conn.exec_driver_sql(
        "INSERT INTO mail_signatures (account_id, text, updated_at) SELECT ?, ?, ?"
        " WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?)"
        " ON CONFLICT (account_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        (account_id, text, now, account_id),
    )


# -- remote images -----------------------------------------------------------------------------------------------


def remote_images_allowed(conn: Connection, address: str) -> bool:
    """Whether the attendant chose "always show remote images" for mail from ``address``."""
    if not address:
        return False
    found = conn.execute(
        select(mail_image_senders.c.address).where(mail_image_senders.c.address == address.strip().lower())
    ).first()
    return found is not None


def allow_remote_images(conn: Connection, address: str, *, now: int) -> None:
    if address.strip():
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO mail_image_senders (address, allowed_at) VALUES (?, ?)",
            (address.strip().lower(), now),
        )


# -- the mail composer's drafts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailDraft:
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(value.strip() for value in (self.to, self.cc, self.bcc, self.subject, self.text))


EMPTY_MAIL_DRAFT = MailDraft()


def mail_draft_of(conn: Connection, conversation_id: int) -> MailDraft | None:
    """The conversation's mail draft; None when there is none (the composer then prefills a reply)."""
    columns = (mail_drafts.c.to_text, mail_drafts.c.cc_text, mail_drafts.c.bcc_text, mail_drafts.c.subject)
    raw = (
        conn.execute(
            select(*(row_values.as_bytes(c) for c in (*columns, mail_drafts.c.text))).where(
                mail_drafts.c.conversation_id == conversation_id
            )
        )
        .mappings()
        .first()
    )
    if raw is None:
        return None
    text = row_values.text
    return MailDraft(
        to=text(raw["to_text"], "mail_drafts.to_text"),
        cc=text(raw["cc_text"], "mail_drafts.cc_text"),
        bcc=text(raw["bcc_text"], "mail_drafts.bcc_text"),
        subject=text(raw["subject"], "mail_drafts.subject"),
        text=text(raw["text"], "mail_drafts.text"),
    )


def save_mail_draft(conn: Connection, conversation_id: int, draft: MailDraft | None, *, now: int) -> None:
    """Keep ``draft`` for the conversation; None (sent, or nothing typed) removes it."""
    if draft is None:
        conn.execute(delete(mail_drafts).where(mail_drafts.c.conversation_id == conversation_id))
        return
    conn.exec_driver_sql(
        "INSERT INTO mail_drafts (conversation_id, to_text, cc_text, bcc_text, subject, text, updated_at)"
        " SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)"
        " ON CONFLICT (conversation_id) DO UPDATE SET to_text = excluded.to_text, cc_text = excluded.cc_text,"
        " bcc_text = excluded.bcc_text, subject = excluded.subject, text = excluded.text,"
        " updated_at = excluded.updated_at",
        (conversation_id, draft.to, draft.cc, draft.bcc, draft.subject, draft.text, now, conversation_id),
    )


def save_mail_drafts(conn: Connection, pending: Mapping[int, MailDraft | None], *, now: int) -> None:
    for conversation_id, draft in pending.items():
        save_mail_draft(conn, conversation_id, draft, now=now)
