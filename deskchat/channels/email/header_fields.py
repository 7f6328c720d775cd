"""The header fields a mail list needs, read fast: the header pass of a sync parses thousands of header blocks.

:func:`deskchat.channels.email.mime.parse` reads a whole mail through ``email.policy.default``, whose header registry
costs about a millisecond per mail; the header pass needs only the fields below. An ordinary block (printable ASCII,
``Name: value`` lines, folded or not, up to the blank line) is split here directly, each field's first occurrence as
``email.message.Message.get`` gives it; any other block is split by the ``compat32`` parser. Address lists of the
usual shapes (``Name <a@b>``, ``"Last, First" <a@b>``, ``<a@b>``, ``a@b``) are read with one pattern match per
address, as ``email.utils.getaddresses`` reads them, and short lists and addresses are remembered (they recur mail
after mail); encoded words in one usual charset and Dates of the usual shape are decoded here as ``email.header`` and
``email.utils.parsedate_to_datetime`` decode them. The values are made safe by the same rules as
:func:`~.mime.parse` (one line of plain text, validated addresses, Message-IDs without brackets). Whatever this
fast reading is not sure of (an unusual address list, raw 8-bit text, an unknown charset: an exception of any kind)
is read by :func:`~.mime.parse` instead, so the result is the same, never worse, and this never raises.
"""

from __future__ import annotations

import binascii
import functools
import re
from collections.abc import Callable
from datetime import date
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.quoprimime import header_decode
from email.utils import parsedate_to_datetime
from typing import Final

from deskchat.channels.email.mime import MAX_ADDRESSES, MAX_HEADER_CHARS, MAX_REFERENCES, ParsedMail, parse, plain_line
from deskchat.core.identity import bare_email
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
#: One field of printable ASCII and tabs, CRLF or LF line breaks: its name, then its value as ``compat32`` keeps it
#: (leading blanks dropped, inner line breaks kept). Control characters and a CR alone are left to the parser.
_FIELD: Final = re.compile(r"([!-9;-~]+):[ \t]*([\t -~]*(?:\r?\n[ \t][\t -~]*)*)(?:\r?\n|\Z)")
#: An encoded word whose parts this reads: charset, encoding, payload. A value made of such words (blanks and folds
#: between them), in one charset of :data:`_FAST_CHARSETS`, after one line of plain text ending in a blank and before
#: trailing blanks (``RE: =?utf-8?q?Jo=C3=A3o?=``), is decoded here as ``email.header`` decodes it; other values are
#: decoded by ``email.header``.
_ENCODED_WORD_PARTS: Final = re.compile(r"=\?([A-Za-z0-9-]+)\?([QqBb])\?([^?\s]*)\?=")
_PLAIN_PREFIX: Final = re.compile(r"[^=?\r\n]*[ \t]")
_FAST_CHARSETS: Final = frozenset({"utf-8", "iso-8859-1", "iso-8859-15", "windows-1252"})  # codec name = charset
_ODD_ESCAPE: Final = re.compile(r"=(?![0-9A-Fa-f]{2})")  # where binascii would read quoted-printable differently
_MONTH_NAMES: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS: Final = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_UNIX_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_USUAL_DATE: Final = re.compile(
    rf"(?:[A-Z][a-z][a-z], )?([0-9]{{1,2}}) ({'|'.join(_MONTHS)}) ([1-9][0-9]{{3}})"
    r" ([0-9][0-9]):([0-9][0-9]):([0-9][0-9]) ([+-])([0-9][0-9])([0-9][0-9])(?: \([A-Za-z]+\))?"
)
_ADDR_SPEC: Final = r'[^<>()\[\]\\,;:\s"@]+@[^<>()\[\]\\,;:\s"@]+'
#: One address of the usual shapes (``Name <a@b>``, ``"Last, First" <a@b>``, ``<a@b>``, ``a@b``), groups: the
#: quoted name, the unquoted name, the address in brackets, the bare address. Other shapes (groups, comments,
#: routes, quoted pairs, stray brackets) are left to the thorough parser.
_ONE_ADDRESS: Final = re.compile(rf'\s*(?:(?:"([^"\\]*)"|([^"<>()\[\]\\,;:@]*))\s*<({_ADDR_SPEC})>|({_ADDR_SPEC}))\s*')

_REMEMBERED_ADDRESS_MAX_CHARS: Final = 300

FieldGetter = Callable[[str], object]


def read_header_fields(raw: bytes) -> ParsedMail:
    """The list fields of the header block ``raw`` (no body: ``text``, ``html`` and ``attachments`` stay empty)."""
    try:
        fields = _split_ordinary_block(raw)
        if fields is not None:
            return _read(fields.get)
        return _read(BytesHeaderParser(policy=compat32).parsebytes(raw).get)
    except Exception:  # anything unusual: the thorough parser, which never raises
        return parse(raw)


def _split_ordinary_block(raw: bytes) -> dict[str, str] | None:
    """Each field's first value by lower-cased name, as ``compat32`` reads it; ``None`` for an unusual block."""
    if not raw.isascii():
        return None
    text = raw.decode("ascii")
    fields: dict[str, str] = {}
    position, end = 0, len(text)
    while position < end and not text.startswith(("\r\n", "\n"), position):  # the blank line ends the block
        field = _FIELD.match(text, position)
        if field is None:
            return None  # a line that is not a field (a mbox "From " line, a stray fold): the parser decides
        fields.setdefault(field[1].lower(), field[2])
        position = field.end()
    return fields


def _read(field: FieldGetter) -> ParsedMail:
    subject = _plain(_text(field, "subject"))
    sender = _addresses(field, "from")
    return ParsedMail(
        subject=subject,
        from_address=sender[0].address if sender else "",
        from_name=sender[0].name if sender else "",
        to=_addresses(field, "to"),
        cc=_addresses(field, "cc"),
        reply_to=_addresses(field, "reply-to"),
        date=_date_ms(field),
        case_ids=tuple(subject_case_ids(subject)),
        message_id=_first_msgid(_text(field, "message-id")),
        in_reply_to=_first_msgid(_text(field, "in-reply-to")),
        references=tuple(_MSGID_RE.findall(_text(field, "references")))[-MAX_REFERENCES:],
        automatic=_is_automatic(field),
    )


def _plain(text: str, limit: int = MAX_HEADER_CHARS) -> str:
    """:func:`~.mime.plain_line`, quicker for printable text (which has no control or bidi character to replace)."""
    if text.isprintable():
        return " ".join(text[: limit * 2].split())[:limit]
    return plain_line(text, limit)


def _decoded(value: str) -> str:
    """RFC 2047 encoded words decoded (an unknown charset raises: the caller falls back to the thorough parser)."""
    if _ENCODED_WORD not in value:
        return value
    parts = _ENCODED_WORD_PARTS.split(value)  # text, then charset, encoding, payload and text for each word
    charset, prefix, trailing = parts[1].lower() if len(parts) > 1 else "", parts[0], parts[-1]
    if (
        charset not in _FAST_CHARSETS
        or (prefix and _PLAIN_PREFIX.fullmatch(prefix) is None)
        or trailing.strip(" \t")
        or (len(parts) > 5 and not _same_charset_words_between_blanks(parts, charset))
    ):
        return str(make_header(decode_header(value)))
    if len(parts) == 5:
        data = _word_bytes(parts[2], parts[3])
    else:
        data = b"".join(_word_bytes(e, payload) for e, payload in zip(parts[2::4], parts[3::4], strict=True))
    return prefix.lstrip() + data.decode(charset) + trailing


def _same_charset_words_between_blanks(parts: list[str], charset: str) -> bool:
    return all(name.lower() == charset for name in parts[5::4]) and not any(
        gap.strip(" \t\r\n") for gap in parts[4:-1:4]
    )


def _word_bytes(encoding: str, payload: str) -> bytes:
    """One encoded word's bytes, as ``email.header.decode_header`` reads them."""
    if encoding in "Bb":
        missing = len(payload) % 4
        return binascii.a2b_base64(payload + "==="[: 4 - missing] if missing else payload)
    if _ODD_ESCAPE.search(payload) is None:
        return binascii.a2b_qp(payload, header=True)
    return header_decode(payload).encode("latin-1")


def _raw(field: FieldGetter, name: str) -> str | None:
    value = field(name)  # the first such field, as the thorough parser reads it
    if value is None or isinstance(value, str):
        return value
    raise ValueError("8-bit header")  # raw non-ASCII bytes: the thorough parser guesses their charset


def _text(field: FieldGetter, name: str) -> str:
    value = _raw(field, name)
    return "" if value is None else _decoded(value)


def _addresses(field: FieldGetter, name: str) -> tuple[Address, ...]:
    value = _raw(field, name)
    if value is None:
        return ()
    if len(value) <= _REMEMBERED_ADDRESS_MAX_CHARS:
        return _remembered_address_list(value)
    return _address_list_shown(value)


def _address_list_shown(value: str) -> tuple[Address, ...]:
    """The valid addresses of the list ``value`` (folded or not), with their names as the list shows them."""
    result: list[Address] = []
    for display_name, addr_spec in _address_list(value.replace("\r\n", "").replace("\n", ""))[:MAX_ADDRESSES]:
        if len(display_name) + len(addr_spec) <= _REMEMBERED_ADDRESS_MAX_CHARS:
            address = _remembered_address(display_name, addr_spec)
        else:
            address = _address(display_name, addr_spec)
        if address is not None:
            result.append(address)
    return tuple(result)


def _address(display_name: str, addr_spec: str) -> Address | None:
    """One address as the list shows it, ``None`` when ``addr_spec`` is not a valid address."""
    address = bare_email(addr_spec)
    if address is None:
        return None
    return Address(address, _plain(_decoded(display_name), 200) if display_name else "")


#: The same few addresses and lists come back in mail after mail (the mailbox's own address, colleagues in Cc,
#: regular customers); short ones are remembered, a bounded number of them.
_remembered_address: Final = functools.lru_cache(maxsize=4096)(_address)
_remembered_address_list: Final = functools.lru_cache(maxsize=4096)(_address_list_shown)


def _address_list(text: str) -> list[tuple[str, str]]:
    """(display name, addr-spec) pairs of an unfolded address list, as ``email.utils.getaddresses`` gives them: a
    quoted name as it stands, the words of an unquoted name joined by one space.

    Raises:
        ValueError: the list is not made of the usual shapes only.
    """
    if not text.strip():
        return []
    pairs: list[tuple[str, str]] = []
    position, end = 0, len(text)
    while True:
        one = _ONE_ADDRESS.match(text, position)
        if one is None:
            raise ValueError("an unusual address list")
        quoted_name, unquoted_name, bracketed, bare = one.groups()
        if bare is not None:
            pairs.append(("", bare))
        else:
            pairs.append((quoted_name if quoted_name is not None else " ".join(unquoted_name.split()), bracketed))
        position = one.end()
        if position == end:
            return pairs
        if text[position] != ",":
            raise ValueError("an unusual address list")
        position += 1


def _date_ms(field: FieldGetter) -> int | None:
    value = field("date")
    if not isinstance(value, str):
        return None
    usual = _USUAL_DATE.fullmatch(value)
    if usual is not None:
        return _usual_date_ms(*usual.groups())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp() * 1000)


def _usual_date_ms(*parts: str) -> int | None:
    """The unix ms of a Date of the usual shape (``Tue, 10 Nov 2026 09:00:00 -0300 (BRT)``) as ``parsedate_to_datetime``
    reads it: ``None`` for an impossible moment or zone, and for ``-0000`` (an unknown zone)."""
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = parts
    offset = int(zone_hours) * 3600 + int(zone_minutes) * 60
    hours, minutes, seconds = int(hour), int(minute), int(second)
    if offset >= 86_400 or (offset == 0 and sign == "-") or hours > 23 or minutes > 59 or seconds > 59:
        return None
    try:
        days = date(int(year), _MONTHS[month], int(day)).toordinal() - _UNIX_EPOCH_ORDINAL
    except ValueError:
        return None
    return (days * 86_400 + hours * 3600 + minutes * 60 + seconds - (offset if sign == "+" else -offset)) * 1000


def _first_msgid(text: str) -> str:
    found = _MSGID_RE.search(text)
    return found.group(1) if found else ""


def _is_automatic(field: FieldGetter) -> bool:
    auto_submitted = _text(field, "auto-submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _text(field, "x-autoreply") or _text(field, "x-autorespond"):
        return True
    return _text(field, "precedence").strip().lower() in _AUTO_REPLY_PRECEDENCE
