"""The header pass's FETCH (UID, FLAGS, INTERNALDATE, RFC822.SIZE and the list's header fields), parsed quickly.

imapclient's ``parse_fetch_response`` walks every byte of each response line in Python, and Dovecot echoes the
thirteen requested field names in every line: for 5,000 mails that was most of the header pass's CPU time. Here a
response of exactly the shape a server like Dovecot sends for this request is read with one compiled regex per line,
and the header literal is taken as imaplib delivered it::

    * 12 FETCH (UID 34 FLAGS (\\Seen $Forwarded) INTERNALDATE "10-Nov-2026 09:00:00 -0300" RFC822.SIZE 4321
      BODY[HEADER.FIELDS (FROM TO ...)] {345}
    <345 bytes>)

If any response of the FETCH differs in any way (another item order, NIL, quoted strings, odd keywords, no UID,
a literal of the wrong size, extra items...), the whole FETCH is parsed by imapclient's own parser instead, so the
result is always the one imapclient gives (the INTERNALDATE as an exact instant: see :func:`parse_header_fetch`).

The raw response comes from ``IMAPClient._raw_command_untagged`` (private, but the one imapclient itself uses for
SEARCH, SORT and THREAD; pyproject.toml pins imapclient below 5 for it). Connections that are not an ``IMAPClient``
(test fakes, wrappers) go through their ``fetch`` as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response

from deskchat.channels.email.header_fields import LIST_FIELDS

if TYPE_CHECKING:
    from deskchat.channels.email.folder_sync import ImapConnection

HEADER_SECTION: Final = f"HEADER.FIELDS ({' '.join(name.upper() for name in LIST_FIELDS)})"
HEADER_ITEMS: Final = ("UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", f"BODY.PEEK[{HEADER_SECTION}]")

_MONTHS: Final = {
    month.encode(): number
    for number, month in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# A flag imapclient's lexer reads as one plain token: a system flag or keyword of printable ASCII atom characters.
_FLAG: Final = rb"\\?[A-Za-z0-9!#$&'*+,\-./:;<=>?@^_`|~]+"
_DATE: Final = rb"(?P<day>[ 0-3]\d)-(?P<month>[A-Z][a-z]{2})-(?P<year>[12]\d{3})"
_TIME: Final = rb"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d):(?P<second>[0-5]\d)"
_ZONE: Final = rb"(?P<sign>[+-])(?P<zone_hours>[01]\d|2[0-3])(?P<zone_minutes>[0-5]\d)"
_RESPONSE: Final = re.compile(
    rb"\d+ \(UID (?P<uid>[1-9]\d*)"
    rb" FLAGS \((?P<flags>(?:" + _FLAG + rb")(?: " + _FLAG + rb")*)?\)"
    rb' INTERNALDATE "' + _DATE + b" " + _TIME + b" " + _ZONE + b'"'
    rb" RFC822\.SIZE (?P<size>0|[1-9]\d*)"
    rb" BODY\[HEADER\.FIELDS \([^\]\r\n]*\)\] \{(?P<literal_size>\d+)\}"
)


@dataclass(frozen=True, slots=True)
class FetchedHeader:
    uid: int
    flags: tuple[str, ...]
    internal_date: int | None  # unix ms
    size: int
    header: bytes  # the raw list fields (:data:`LIST_FIELDS`), read by the caller with ``read_header_fields``


def fetch_headers(connection: ImapConnection, uids: Sequence[int]) -> dict[int, FetchedHeader]:
    """The header items of ``uids`` in the selected folder, keyed by UID (UIDs the server did not answer are absent)."""
    if isinstance(connection, IMAPClient) and connection.use_uid:
        items = "(" + " ".join(HEADER_ITEMS) + ")"
        command_args = [",".join(str(uid) for uid in uids).encode(), items.encode()]
        data = connection._raw_command_untagged(b"FETCH", command_args, uid=True)
        return parse_header_fetch(data, uids)
    fetched = connection.fetch(list(uids), list(HEADER_ITEMS))
    return {uid: header_from_items(uid, fetched[uid]) for uid in uids if uid in fetched}


def parse_header_fetch(data: list[Any], uids: Sequence[int]) -> dict[int, FetchedHeader]:
    """The untagged FETCH data of a header FETCH, as imaplib returns it, for the requested ``uids`` only.

    Either every response has the expected shape, or imapclient parses the whole data (with ``normalise_times``
    off, so an INTERNALDATE is an exact instant, not a local wall-clock time read back under today's DST offset).
    """
    fast = _parse_expected_shape(data)
    if fast is None:
        parsed = parse_fetch_response(data, normalise_times=False, uid_is_key=True)
        return {uid: header_from_items(uid, parsed[uid]) for uid in uids if uid in parsed}
    return {uid: fast[uid] for uid in uids if uid in fast}


def _parse_expected_shape(data: list[Any]) -> dict[int, FetchedHeader] | None:
    if len(data) % 2:
        return None  # also imaplib's [None] (no FETCH response at all): imapclient says {}
    headers: dict[int, FetchedHeader] = {}
    for index in range(0, len(data), 2):
        record, trailer = data[index], data[index + 1]
        if trailer != b")" or not isinstance(record, tuple) or len(record) != 2:
            return None
        line, literal = record
        if not isinstance(line, bytes) or not isinstance(literal, bytes):
            return None
        header = _parse_response(line, literal)
        if header is None:
            return None
        headers[header.uid] = header  # a later response for the same UID wins, as in imapclient
    return headers


def _parse_response(line: bytes, literal: bytes) -> FetchedHeader | None:
    match = _RESPONSE.fullmatch(line)
    if match is None or int(match["literal_size"]) != len(literal):
        return None
    flags = match["flags"].split(b" ") if match["flags"] else []
    if b"NIL" in flags:
        return None  # imapclient reads a NIL flag as None
    internal_date = _unix_ms(match)
    if internal_date is None:
        return None
    return FetchedHeader(
        uid=int(match["uid"]),
        flags=tuple(sorted(flag.decode("ascii") for flag in flags)),
        internal_date=internal_date,
        size=int(match["size"]),
        header=literal,
    )


def _unix_ms(match: re.Match[bytes]) -> int | None:
    month = _MONTHS.get(match["month"])
    if month is None:
        return None
    try:
        moment = datetime(
            int(match["year"]),
            month,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            tzinfo=UTC,
        )
    except ValueError:
        return None  # 31-Feb and the like: imapclient's answer (no date) comes from its own parser
    offset_s = (int(match["zone_hours"]) * 3600 + int(match["zone_minutes"]) * 60) * (
        -1 if match["sign"] == b"-" else 1
    )
    return (int(moment.timestamp()) - offset_s) * 1000


def header_from_items(uid: int, data: dict[bytes, Any]) -> FetchedHeader:
    """A :class:`FetchedHeader` from imapclient's parsed items of one message."""
    moment = data.get(b"INTERNALDATE")
    internal = int(moment.timestamp() * 1000) if isinstance(moment, datetime) else None
    header = next((value for key, value in data.items() if key.startswith(b"BODY[HEADER")), b"")
    return FetchedHeader(
        uid=uid,
        flags=flag_names(data),
        internal_date=internal,
        size=int(data.get(b"RFC822.SIZE", 0) or 0),
        header=header if isinstance(header, bytes) else b"",
    )


def flag_names(data: dict[bytes, Any]) -> tuple[str, ...]:
    """The FLAGS of imapclient's parsed items, as sorted text."""
    return tuple(
        sorted(
            flag.decode(errors="replace") if isinstance(flag, bytes) else str(flag) for flag in data.get(b"FLAGS", ())
        )
    )
