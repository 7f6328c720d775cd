"""The header pass reads the list fields fast: for ordinary and hostile header blocks it gives what parse() gives."""

from __future__ import annotations

import pytest

from deskchat.channels.email.header_fields import read_header_fields
from deskchat.channels.email.mime import ParsedMail, parse

BASE = "To: suporte@empresa.com.br\r\nDate: Tue, 10 Nov 2026 09:30:00 -0300\r\nMessage-ID: <m1@cliente.com.br>\r\n"

HEADER_BLOCKS = [
    "From: Ana Souza <ana@cliente.com.br>\r\nSubject: Pedido 12\r\n",
    "From: =?utf-8?q?Jo=C3=A3o_Concei=C3=A7=C3=A3o?= <joao@cliente.com.br>\r\n"
    "Subject: =?utf-8?q?RE=3A_=5BCaso_=23123=5D_boleto_vencido?=\r\n",
    "From: =?iso-8859-1?b?Sm/jbw==?= <joao@cliente.com.br>\r\nSubject: =?x-unknown?q?abc?=\r\n",
    'From: "Souza, Ana" <Ana@Cliente.com.br>\r\nCc: "Bruno" <bruno@empresa.com.br>, carla@empresa.com.br\r\n',
    "From: Ana <ana@cliente.com.br>\r\nSubject: linha um\r\n\tlinha dois\r\n",
    "From: Ana <ana@cliente.com.br>\r\nSubject: =?utf-8?q?a=0D=0ABcc=3A_x=40evil.com?=\r\n",
    "From: Ana <ana@cliente.com.br>\r\nSubject: \u202eevil\u202c <script>alert(1)</script>\r\n",
    "From: Ana Souza <not an address>\r\nTo: undisclosed-recipients:;\r\n",
    'From: "ana@cliente.com.br" <mallory@evil.com>\r\n',
    "From: <script>x</script> <ana@cliente.com.br>\r\n",
    "From: ana@cliente.com.br\r\nDate: not a date\r\n",
    "From: ana@cliente.com.br\r\nDate: Tue, 10 Nov 2026 09:30:00 -0000\r\n",
    "From: ana@cliente.com.br\r\nAuto-Submitted: auto-replied\r\n",
    "From: ana@cliente.com.br\r\nAuto-Submitted: no\r\nPrecedence: Bulk\r\n",
    "From: ana@cliente.com.br\r\nX-Autoreply: yes\r\n",
    "From: ana@cliente.com.br\r\nIn-Reply-To: <x1@empresa.com.br> (comment)\r\n"
    "References: <x0@empresa.com.br>\r\n <x1@empresa.com.br>\r\n",
    "From: Ana <ana@cliente.com.br>\r\nSubject: Olá, pedido nº 5\r\n",  # raw 8-bit UTF-8
    "From: Jos\xe9 <jose@cliente.com.br>\r\n",  # raw Latin-1
    "From: a@b.c, d@e.f\r\nFrom: g@h.i\r\n",
    "From: \r\nSubject: \r\n",
    "",
]


def _list_fields(mail: ParsedMail) -> tuple[object, ...]:
    return (
        mail.subject,
        mail.from_address,
        mail.from_name,
        mail.to,
        mail.cc,
        mail.reply_to,
        mail.date,
        mail.case_ids,
        mail.message_id,
        mail.in_reply_to,
        mail.references,
        mail.automatic,
    )


@pytest.mark.parametrize("block", HEADER_BLOCKS)
def test_the_list_fields_match_the_thorough_parser(block: str) -> None:
    raw = (block + BASE + "\r\n").encode("utf-8" if "\xe9" not in block else "latin-1")
    assert _list_fields(read_header_fields(raw)) == _list_fields(parse(raw))


@pytest.mark.parametrize("raw", [b"", b"\r\n", b"\xff\xfe\x00garbage", b"From: " + b"a" * 100_000 + b"\r\n"])
def test_garbage_never_raises(raw: bytes) -> None:
    read_header_fields(raw)
