"""read_message() gives the message BytesParser gives, for plain single-part mail (its quick path) and for every odd
shape a sender can build (line breaks the feed parser also splits at, folds, a missing blank line, parts, 8-bit)."""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.message import Message
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parse_body import MAILS as HOSTILE_MAILS

from deskchat.channels.email.single_part import read_message


def _shape(message: Message) -> object:
    """Everything the mail view and the body step read of a message, part by part."""
    parts = []
    for part in message.walk():
        payload = part.get_payload()
        parts.append(
            (
                [(name, str(value)) for name, value in part.items()],
                part.get_content_type(),
                part.is_multipart(),
                payload if isinstance(payload, str) else None,
                part.get_payload(decode=True) if not part.is_multipart() else None,
                [type(defect).__name__ for defect in part.defects],
                part.get_unixfrom(),
            )
        )
    return parts


def _outcome(read: Callable[[], Message]) -> object:
    try:
        return _shape(read())
    except RecursionError:  # a 1,000-level nesting (mime.parse catches it and shows the raw text)
        return "too deep"


def _same_as_bytes_parser(raw: bytes) -> None:
    quick = _outcome(lambda: read_message(raw, policy.default))
    assert quick == _outcome(lambda: BytesParser(policy=policy.default).parsebytes(raw))


PLAIN = (
    b"From: Ana <ana@cliente.com.br>\r\nSubject: Pedido 12\r\n\tcontinua\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nOl=C3=A1,\r\nsegue o boleto.\r\n\r\n-- \r\nAna\r\n"
)
ODD = [
    PLAIN,
    PLAIN.replace(b"\r\n", b"\n"),  # bare LF lines
    PLAIN.replace(b"Subject: Pedido 12", b"Subject: Pedido\x0c12"),  # a form feed: the feed parser breaks there
    PLAIN.replace(b"Subject: Pedido 12", b"Subject: Pedido\r12"),  # a lone CR
    PLAIN.replace(b"Subject: Pedido 12", b"Subject: Pedido \xc3\xa9 12"),  # raw 8-bit in a header
    PLAIN.replace(b"Subject: Pedido 12\r\n", b"Subject: Pedido 12\r\nnot a header line\r\n"),  # no blank line
    b"From nobody Tue Nov 10 09:00:00 2026\r\n" + PLAIN,  # an mbox From_ line
    b"\tfold first\r\n" + PLAIN,
    b": no name\r\n" + PLAIN,
    PLAIN.replace(b"text/plain; charset=utf-8", b"message/rfc822"),
    PLAIN.replace(b"text/plain; charset=utf-8", b"multipart/mixed"),  # multipart without a boundary
    PLAIN.replace(b"text/plain; charset=utf-8", b"garbage"),
    PLAIN.replace(b"\r\n\r\nOl", b"\r\n\r\n\r\n\r\nOl") + b"\x00\xff\x1c\x1d\x1e\x85",
    PLAIN[: PLAIN.index(b"\r\n\r\n") + 4],  # an empty body
    PLAIN[: PLAIN.index(b"\r\n\r\n") + 2],  # headers only, no blank line
    b"",
    b"\r\n",
    b"\r\n\r\nbody without headers",
]


@pytest.mark.parametrize("raw", ODD + HOSTILE_MAILS)
def test_odd_and_hostile_mail_reads_as_bytes_parser_reads_it(raw: bytes) -> None:
    _same_as_bytes_parser(raw)


_line_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\r\n", b" "))
_header = st.one_of(
    st.tuples(st.sampled_from([b"Subject", b"From", b"X-A", b"Content-Type", b"Received", b"F\x7fo"]), _line_bytes).map(
        lambda t: t[0] + b":" + t[1]
    ),
    _line_bytes.map(lambda b: b"\t" + b),
    st.sampled_from([b"Content-Type: multipart/alternative; boundary=x", b"Content-Type: message/rfc822"]),
    _line_bytes,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(_header, max_size=8),
    newline=st.sampled_from([b"\r\n", b"\n", b"\r"]),
    body=st.binary(max_size=300),
)
def test_generated_mail_reads_as_bytes_parser_reads_it(headers: list[bytes], newline: bytes, body: bytes) -> None:
    _same_as_bytes_parser(newline.join(headers) + newline + newline + body)
