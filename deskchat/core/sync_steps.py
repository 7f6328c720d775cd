"""A channel's own bookkeeping, committed in the same transaction as the messages it came with.

A channel hands these typed values to ``IngestService.ingest(..., steps=...)``; the store knows how to write each
(:mod:`deskchat.store.sync_steps`). They name messages by ``(account_id, channel_id)`` — the channel never sees a
row id — and carry no customer text beyond what is stored anyway. Today the e-mail channel uses them: the IMAP UID
map, flags and expunges, fetched bodies and case links; any channel may add its own kinds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from deskchat.core.messages import Address, Attachment


@dataclass(frozen=True, slots=True)
class MailSeen:
    """Where a stored mail sits on the server now (folder, UIDVALIDITY, UID) and its flags; what a reply needs."""

    account_id: int
    channel_id: str
    folder: str
    uidvalidity: int
    uid: int
    flags: tuple[str, ...] = ()
    size: int = 0
    from_address: str = ""
    to: Sequence[Address] = ()
    cc: Sequence[Address] = ()
    references: tuple[str, ...] = ()
    automatic: bool = False
    body_pending: bool = True  # only headers came: the body follows (only for a message this batch stored)


@dataclass(frozen=True, slots=True)
class MailFlagsChanged:
    """The server's flags now (``flags``: uid → flags) and the UIDs it expunged, for one folder."""

    account_id: int
    folder: str
    uidvalidity: int
    flags: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    expunged: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class MailUidValidityChanged:
    """The folder's UIDs are void: its UID map under any other UIDVALIDITY goes (the messages stay)."""

    account_id: int
    folder: str
    uidvalidity: int


@dataclass(frozen=True, slots=True)
class MailBody:
    """The body of a stored mail, fetched after its headers."""

    account_id: int
    channel_id: str
    text: str
    html: str = ""
    attachments: Sequence[Attachment] = ()


@dataclass(frozen=True, slots=True)
class CaseLinkRequest:
    """Link the conversation of a stored message to a case: to those whose number the subject carries (linked by
    "subject"), else to the sender's open case (linked by "email"). An auto-reply (``automatic``) never links to a
    closed case."""

    account_id: int
    channel_id: str
    case_ids: tuple[str, ...] = ()
    automatic: bool = False


SyncStep = MailSeen | MailFlagsChanged | MailUidValidityChanged | MailBody | CaseLinkRequest
