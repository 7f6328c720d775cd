"""The header fields a mail list needs, read fast: the header pass of a sync parses thousands of header blocks.

:func:`deskchat.channels.email.mime.parse` reads a whole mail through ``email.policy.default``, whose header registry
costs about a millisecond per mail; the header pass needs only the fields below, which the ``compat32`` parser
reads in a tenth of that. The values are made safe by the same rules as :func:`~.mime.parse` (one line of plain
text, validated addresses, Message-IDs without brackets). Whatever this fast reading cannot handle (an exception of
any kind) is read by :func:`~.mime.parse` instead, so the result is never worse and this never raises.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from typing import Final

from deskchat.channels.email.mime import MAX_ADDRESSES, MAX_REFERENCES, ParsedMail, parse, plain_line
from deskchat.core.identity import normalize_email
from deskchat.core.linking import case_ids as subject_case_ids
from deskchat.core.messages import Address

#: What the header pass fetches (``BODY.PEEK[HEADER.FIELDS (...)]``): every field :func:`read_header_fields` reads.
LIST_FIELDS: Final = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "Precedence",
)
_MSGID_RE: Final = re.compile(r"<([^<>\s]{1,250})>")
_AUTO_REPLY_PRECEDENCE: Final = frozenset({"bulk", "junk", "list", "auto_reply"})
_ENCODED_WORD: Final = "=?"
_ADDR_SPEC: Final = r'[^<>()\[\]\\,;:\s"@]+@[^<>()\[\]\\,;:\s"@]+'
_ONE_ADDRESS: Final = rf'\s*(?:(?:"[^"\\]*"|[^"<>()\[\]\\,;:@]*)\s*<{_ADDR_SPEC}>|{_ADDR_SPEC})\s*'
#: An address list of the usual shapes (``Name <a@b>``, ``"Last, First" <a@b>``, ``a@b``): others (groups,
#: comments, routes, stray brackets) are left to the thorough parser, whose reading they must match.
_SIMPLE_ADDRESS_LIST: Final = re.compile(rf"{_ONE_ADDRESS}(?:,{_ONE_ADDRESS})*")


def read_header_fields(raw: bytes) -> ParsedMail:
    """The list fields of the header block ``raw`` (no body: ``text``, ``html`` and ``attachments`` stay empty)."""
    try:
        return _read(BytesHeaderParser(policy=compat32).parsebytes(raw))
    except Exception:  # anything unusual: the thorough parser, which never raises
        return parse(raw)


def _read(message: Message) -> ParsedMail:
    subject = plain_line(_text(message, "Subject"))
    sender = _addresses(message, "From")
    return ParsedMail(
        subject=subject,
        from_address=sender[0].address if sender else "",
        from_name=sender[0].name if sender else "",
        to=tuple(_addresses(message, "To")),
        cc=tuple(_addresses(message, "Cc")),
        reply_to=tuple(_addresses(message, "Reply-To")),
        date=_date_ms(message),
        case_ids=tuple(subject_case_ids(subject)),
        message_id=_first_msgid(_text(message, "Message-ID")),
        in_reply_to=_first_msgid(_text(message, "In-Reply-To")),
        references=tuple(_MSGID_RE.findall(_text(message, "References")))[-MAX_REFERENCES:],
        automatic=_is_automatic(message),
    )


def _decoded(value: str) -> str:
    """RFC 2047 encoded words decoded (an unknown charset raises: the caller falls back to the thorough parser)."""
    if _ENCODED_WORD not in value:
        return value
    return str(make_header(decode_header(value)))


def _text(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("8-bit header")  # raw non-ASCII bytes: the thorough parser guesses their charset
    return _decoded(value)


def _addresses(message: Message, name: str) -> list[Address]:
    value = message.get(name)  # the first such header, as the thorough parser reads it
    if value is None:
        return []
    if not isinstance(value, str):
        raise ValueError("8-bit header")
    unfolded = value.replace("\r\n", "").replace("\n", "")
    if not unfolded.strip():
        return []
    if _SIMPLE_ADDRESS_LIST.fullmatch(unfolded) is None:
        raise ValueError("an unusual address list")
    result: list[Address] = []
    for display_name, addr_spec in getaddresses([unfolded])[:MAX_ADDRESSES]:
        address = normalize_email(addr_spec)
        if address is not None:
            result.append(Address(address, plain_line(_decoded(display_name), 200)))
    return result


def _date_ms(message: Message) -> int | None:
    value = message.get("Date")
    if not isinstance(value, str):
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp() * 1000)


def _first_msgid(text: str) -> str:
    found = _MSGID_RE.search(text)
    return found.group(1) if found else ""


def _is_automatic(message: Message) -> bool:
    auto_submitted = _text(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _text(message, "X-Autoreply") or _text(message, "X-Autorespond"):
        return True
    return _text(message, "Precedence").strip().lower() in _AUTO_REPLY_PRECEDENCE
