"""The header FETCH's quick reading, over raw untagged FETCH data as imaplib hands it over: for well-formed Dovecot
responses it gives the right values, and for hostile or unusual ones (NIL or quoted headers, odd flags, lying
literal sizes, unrequested or UID-less responses, garbage) it gives exactly what imapclient gives, or raises exactly
what imapclient raises. Every case is checked against imapclient's own parser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imapclient.exceptions import ProtocolError
from imapclient.response_parser import parse_fetch_response

from deskchat.channels.email import fetch_response
from deskchat.channels.email.fetch_response import FetchedHeader, header_from_items, parse_header_fetch

SECTION = b"BODY[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)]"
HEADER = b"From: Cliente <c@exemplo.com.br>\r\nSubject: Pedido 1\r\n\r\n"
DATE = b'"10-Nov-2026 09:00:00 -0300"'
NOV_10_2026_12H_UTC_MS = 1_794_312_000_000


@pytest.fixture(autouse=True)
def machine_not_on_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine clock in São Paulo, so that a date read as local wall-clock time shows up as a different instant."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _response(
    seq: int = 1,
    uid: bytes = b"UID 11",
    flags: bytes = rb"FLAGS (\Seen $Forwarded)",
    date: bytes = DATE,
    size: bytes = b"RFC822.SIZE 4321",
    header: bytes = HEADER,
    declared: int | None = None,
) -> list[Any]:
    """One untagged FETCH response as imaplib stores it: (line up to the literal marker, literal), then ``)``."""
    length = len(header) if declared is None else declared
    line = b"%d (%s %s INTERNALDATE %s %s %s {%d}" % (seq, uid, flags, date, size, SECTION, length)
    return [(line, header), b")"]


def _imapclient(data: list[Any], uids: list[int]) -> dict[int, FetchedHeader]:
    parsed = parse_fetch_response(data, normalise_times=False, uid_is_key=True)
    return {uid: header_from_items(uid, parsed[uid]) for uid in uids if uid in parsed}


def _outcome(read: Any, data: list[Any], uids: list[int]) -> tuple[str, Any]:
    try:
        return "answer", read(data, uids)
    except Exception as error:  # whatever imapclient raises, the quick reading must raise the same
        return "raised", (type(error), str(error))


def _same_as_imapclient(data: list[Any], uids: list[int]) -> dict[int, FetchedHeader]:
    ours = _outcome(parse_header_fetch, data, uids)
    assert ours == _outcome(_imapclient, data, uids)
    return ours[1]  # type: ignore[no-any-return]


def test_dovecot_responses_are_read_exactly() -> None:
    data = _response() + _response(2, b"UID 12", b"FLAGS ()", b'" 1-Jan-1970 00:00:01 +0000"', b"RFC822.SIZE 0", b"")
    assert _same_as_imapclient(data, [11, 12]) == {
        11: FetchedHeader(11, ("$Forwarded", "\\Seen"), NOV_10_2026_12H_UTC_MS, 4321, HEADER),
        12: FetchedHeader(12, (), 1000, 0, b""),
    }


@pytest.mark.parametrize(
    "data",
    [
        [b"1 (UID 11 FLAGS () INTERNALDATE " + DATE + b" RFC822.SIZE 5 " + SECTION + b" NIL)"],
        [b"1 (UID 11 FLAGS () INTERNALDATE " + DATE + b" RFC822.SIZE 5 " + SECTION + b' "Subject: x")'],
        _response(flags=rb"FLAGS (\Seen \"junk\" foo\bar)"),
        _response(flags=rb"FLAGS (\Seen NIL 123 0123 nil)"),
        _response(flags=b"FLAGS (\\Seen \xc3\xa7 $X)"),
        _response(flags=b"FLAGS (\\Seen\t$X)"),
        _response(flags=b"FLAGS ({3}"),
        _response(uid=b"MODSEQ (99) UID 11"),
        _response(uid=b"uid 11"),
        _response(uid=b"UID 011"),
        _response(uid=b"UID 0"),
        _response(uid=b"UID x"),
        _response(size=b"RFC822.SIZE NIL"),
        _response(size=b"RFC822.SIZE 012"),
        _response(date=b'"10-Nov-2026 09:00:00 -0000"'),
        _response(date=b'"31-Feb-2026 09:00:00 +0000"'),
        _response(date=b'"10-Nov-2026 23:59:60 +0000"'),
        _response(date=b'"10-Nov-0069 09:00:00 +0000"'),
        _response(date=b'"10-nov-2026 09:00:00 +0000"'),
        _response(date=b'"10-Xyz-2026 09:00:00 +0000"'),
        _response(date=b'"10-Nov-2026 09:00:00 +2400"'),
        _response(date=b"NIL"),
        _response(date=b'"ontem"'),
        [(b"1 (UID 11 RFC822.SIZE 4321 FLAGS () INTERNALDATE " + DATE + b" " + SECTION + b" {3}", b"abc"), b")"],
        [(b"1 (FLAGS () " + SECTION + b" {3}", b"abc"), b" UID 11 INTERNALDATE " + DATE + b" RFC822.SIZE 3)"],
    ],
    ids=[
        "nil-header",
        "quoted-header",
        "escaped-junk-flags",
        "nil-and-number-flags",
        "8bit-flag",
        "tab-between-flags",
        "literal-in-flags",
        "modseq-item",
        "lowercase-item",
        "zero-padded-uid",
        "uid-zero",
        "uid-not-a-number",
        "nil-size",
        "zero-padded-size",
        "zone-unknown",
        "no-such-day",
        "leap-second",
        "two-digit-year",
        "lowercase-month",
        "no-such-month",
        "zone-out-of-range",
        "nil-date",
        "garbage-date",
        "other-item-order",
        "items-after-the-literal",
    ],
)
def test_unusual_responses_read_as_imapclient_reads_them(data: list[Any]) -> None:
    _same_as_imapclient(data + _response(2, b"UID 12"), [11, 12])


def test_a_lying_literal_size_is_never_taken_for_a_header() -> None:
    # the server says 10 bytes and sends more: imaplib reads 10, the rest of the line becomes the trailer
    longer = [(_response(declared=10)[0][0], HEADER[:10]), HEADER[10:].split(b"\r\n")[0] + b")"]
    _same_as_imapclient(longer + _response(2, b"UID 12"), [11, 12])
    # a literal that does not have the declared size (imaplib itself never hands one over)
    shorter = [(_response(declared=len(HEADER) + 5)[0][0], HEADER), b")"]
    with pytest.raises(ProtocolError, match="Expecting literal of size"):
        parse_header_fetch(shorter, [11])
    _same_as_imapclient(shorter, [11])


def test_unrequested_uidless_and_repeated_responses_as_imapclient() -> None:
    unrequested = _response(3, b"UID 99")
    assert set(_same_as_imapclient(_response() + unrequested, [11])) == {11}
    uidless = [b"2 (FLAGS (\\Deleted))"]  # an unsolicited flag change: keyed by its sequence number
    assert set(_same_as_imapclient(_response() + uidless, [11, 2])) == {11, 2}
    again = _response(1, b"UID 11", b"FLAGS (\\Seen \\Flagged)")
    assert _same_as_imapclient(_response() + again, [11])[11].flags == ("\\Flagged", "\\Seen")


@pytest.mark.parametrize(
    "data",
    [[None], [], [b"garbage"], [b")"], [(b"1 (UID 11 " + SECTION + b" 3", b"abc"), b")"], [(b"1 (UID", b"x")], [b"1"]],
    ids=["no-fetch-response", "empty", "garbage", "lone-paren", "tuple-without-marker", "cut-short", "eof"],
)
def test_garbage_raises_what_imapclient_raises(data: list[Any]) -> None:
    _same_as_imapclient(data, [1, 11])


PARTS = st.sampled_from([b" ", b"(", b")", b'"', b"\\", b"{", b"}", b"[", b"]", b"NIL", b"0", b"7", b"\r\n", b"\xc3"])


@settings(max_examples=300, deadline=None)
@given(
    which=st.integers(0, 3),
    at=st.integers(0, 400),
    cut=st.integers(0, 3),
    insert=st.lists(PARTS | st.binary(max_size=3), max_size=3),
)
def test_a_damaged_response_is_read_as_imapclient_reads_it(which: int, at: int, cut: int, insert: list[bytes]) -> None:
    data = _response() + _response(2, b"UID 12", b"FLAGS (\\Answered)")
    pieces: list[bytes] = [data[0][0], data[0][1], data[1], data[2][0]]
    target = pieces[which]
    position = at % (len(target) + 1)
    pieces[which] = target[:position] + b"".join(insert) + target[position + cut :]
    damaged = [(pieces[0], pieces[1]), pieces[2], (pieces[3], data[2][1]), data[3]]
    _same_as_imapclient(damaged, [11, 12])


def test_well_formed_responses_never_reach_imapclients_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("imapclient's parser ran")

    monkeypatch.setattr(fetch_response, "parse_fetch_response", must_not_run)
    data = _response() + _response(2, b"UID 12", date=b'"10-Nov-2026 09:00:00 -0000"')
    assert set(parse_header_fetch(data, [11, 12])) == {11, 12}
