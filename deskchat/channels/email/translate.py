"""Fetched mail → channel-neutral values: each header becomes an :class:`InboundMessage` with its sync steps (UID map,
case link), each fetched body a :class:`MailBody`. Pure functions: no I/O."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from deskchat.channels.email.folder_sync import FetchedHeader, FlagChanges, HeaderBatch
from deskchat.channels.email.header_fields import read_header_fields
from deskchat.channels.email.mime import ParsedMail, parse_body
from deskchat.core.messages import Attachment, Identity, IdentityKind, InboundMessage, SyncState, ThreadRefs
from deskchat.core.sync_steps import (
    CaseLinkRequest,
    MailBody,
    MailFlagsChanged,
    MailSeen,
    MailUidValidityChanged,
    SyncStep,
)

NO_SENDER_KEY = "sem-remetente@deskchat.invalid"  # conversation of mail whose From (or To, in Sent) is junk


@dataclass(frozen=True)
class Translated:
    """One batch ready for ``ingest``: its messages, its steps and the folder state to commit with them."""

    messages: list[InboundMessage]
    steps: list[SyncStep]
    state: SyncState


def channel_id_of(mail: ParsedMail, header: bytes) -> str:
    """The Message-ID; without one, a stable id from the header bytes (the same after a UIDVALIDITY change)."""
    if mail.message_id:
        return mail.message_id
    return f"{hashlib.sha256(header).hexdigest()[:40]}@no-message-id.deskchat"


def _sync_state(account_id: int, batch: HeaderBatch | FlagChanges) -> SyncState:
    state = batch.state
    return SyncState(account_id, batch.folder, state.uidvalidity, state.highest_uid, state.highest_modseq)


def translate_headers(
    account_id: int, own_address: str, batch: HeaderBatch, *, outgoing_folder: bool, historical: bool
) -> Translated:
    messages: list[InboundMessage] = []
    steps: list[SyncStep] = []
    if batch.uidvalidity_changed:
        steps.append(MailUidValidityChanged(account_id, batch.folder, batch.state.uidvalidity))
    for header in batch.headers:
        message, header_steps = _one(account_id, own_address, batch, header, outgoing_folder, historical)
        messages.append(message)
        steps.extend(header_steps)
    return Translated(messages, steps, _sync_state(account_id, batch))


def _one(
    account_id: int,
    own_address: str,
    batch: HeaderBatch,
    header: FetchedHeader,
    outgoing_folder: bool,
    historical: bool,
) -> tuple[InboundMessage, list[SyncStep]]:
    mail = read_header_fields(header.header)
    channel_id = channel_id_of(mail, header.header)
    outgoing = outgoing_folder or (bool(mail.from_address) and mail.from_address == own_address)
    if outgoing:
        others = [a for a in (*mail.to, *mail.cc) if a.address and a.address != own_address]
        customer = others[0] if others else None
        customer_address, customer_name = (customer.address, customer.name) if customer else ("", "")
    else:
        customer_address, customer_name = mail.from_address, mail.from_name
    sent_at = mail.date or header.internal_date or int(time.time() * 1000)
    message = InboundMessage(
        account_id=account_id,
        chat_key=customer_address or NO_SENDER_KEY,
        chat_title=customer_name or customer_address,
        identities=(Identity(IdentityKind.EMAIL, customer_address),) if customer_address else (),
        channel_id=channel_id,
        text=mail.text,
        sent_at=sent_at,
        outgoing=outgoing,
        kind="email",
        sender_name="" if outgoing else mail.from_name,
        subject=mail.subject,
        reply_to_channel_id=mail.in_reply_to or None,
        historical=historical,
        to=mail.to,
        cc=mail.cc,
        thread=ThreadRefs(mail.message_id, mail.in_reply_to, mail.references),
        automatic=mail.automatic,
    )
    steps: list[SyncStep] = [
        MailSeen(
            account_id,
            channel_id,
            batch.folder,
            batch.state.uidvalidity,
            header.uid,
            header.flags,
            header.size,
            from_address=mail.from_address,
            to=mail.to,
            cc=mail.cc,
            references=mail.references,
            automatic=mail.automatic,
        )
    ]
    if not outgoing and customer_address:
        steps.append(CaseLinkRequest(account_id, channel_id, mail.case_ids, automatic=mail.automatic))
    return message, steps


def translate_flags(account_id: int, changes: FlagChanges) -> Translated:
    step = MailFlagsChanged(account_id, changes.folder, changes.state.uidvalidity, changes.flags, changes.vanished)
    return Translated([], [step], _sync_state(account_id, changes))


def attachment_ref(folder: str, uidvalidity: int, uid: int, message_id: str, index: int) -> str:
    """Where an attachment's bytes are fetched from later (``MailChannel.download``)."""
    return json.dumps({"folder": folder, "uidvalidity": uidvalidity, "uid": uid, "id": message_id, "part": index})


def translate_body(account_id: int, channel_id: str, folder: str, uidvalidity: int, uid: int, raw: bytes) -> MailBody:
    mail = parse_body(raw)
    attachments = tuple(
        Attachment(
            file_name=a.safe_name,
            mime=a.mime,
            size=a.size,
            remote_ref=attachment_ref(folder, uidvalidity, uid, channel_id, index),
        )
        for index, a in enumerate(mail.attachments)
    )
    text = mail.text.replace("\r\n", "\n").strip()
    return MailBody(account_id, channel_id, text, mail.html, attachments)
