"""Message ids chosen by DeskChat before the first send, so a resend is the same message."""

from __future__ import annotations

import secrets


def choose_message_id() -> str:
    """A new id in the form whatsmeow's ``GenerateMessageID`` makes: ``3EB0`` and 18 upper-case hex digits.

    Chat channels treat it as an opaque id; one that accepts a caller's id
    (:attr:`~deskchat.channels.base.Capability.CHOSEN_IDS`) sends the message under it.
    """
    return "3EB0" + secrets.token_hex(9).upper()
