"""parse_body(): the body step's parse keeps every safety property of parse() over the same hostile mail."""

from __future__ import annotations

import dataclasses

import pytest

from deskchat.channels.email import mime
from deskchat.channels.email.mime import MAX_PARTS, ParsedMail, parse, parse_body

BODY_FIELDS = ("text", "html", "remote_images", "attachments", "defects")
HEADER_FIELDS = tuple(f.name for f in dataclasses.fields(ParsedMail) if f.name not in BODY_FIELDS)


def _mail(headers: str, body: str, content_type: str) -> bytes:
    return (
        f"From: Ana Souza <ana@cliente.com.br>\r\nTo: suporte@empresa.com.br\r\n{headers}"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n{body}\r\n"
    ).encode()


def _nested(depth: int) -> bytes:
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    return f"From: a@cliente.com.br\r\nSubject: fundo\r\n{head}Content-Type: text/plain\r\n\r\nno fundo{tail}".encode()


def _many_parts(count: int) -> bytes:
    parts = "".join(
        f'--sep\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f{i}.bin"\r\n'
        "\r\nx\r\n"
        for i in range(count)
    )
    return f'Subject: muitas\r\nContent-Type: multipart/mixed; boundary="sep"\r\n\r\n{parts}--sep--\r\n'.encode()


MAILS = [
    _mail("Subject: =?utf-8?q?RE=3A_=5BCaso_=23123=5D?=\r\nDate: Tue, 10 Nov 2026 09:30 -0300\r\n", "Oi", "text/plain"),
    _mail("Subject: html\r\n", "<p>oi</p><script>alert(1)</script>", "text/html; charset=utf-8"),
    _mail("Subject: html\r\n", '<a href="javascript:alert(1)">x</a><iframe src="https://e.example/">', "text/html"),
    _mail("Subject: img\r\n", '<img src="https://tracker.example/p.gif" onload="x()"><img src="cid:l@e">', "text/html"),
    _mail("Subject: t\r\nContent-Transfer-Encoding: 8bit\r\n", "Ol\xe1", "text/plain; charset=x-unknown-charset"),
    _mail("Subject: t\r\n", "a\x00b", "text/plain; charset=utf-8"),
    (
        b"From: a@cliente.com.br\r\nSubject: anexos\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="s"\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\ncorpo\r\n'
        b"--s\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2Ffatura%E2%80%AEfdp.exe\r\n\r\n"
        b"JVBERi0=\r\n--s--\r\n"
    ),
    _nested(1000),
    _many_parts(MAX_PARTS + 50),
    b"",
    b"\x00\x01\x02",
    b"Subject: =?x-bad?q?=ZZ?=\r\n\r\n",
    b"Content-Type: multipart/mixed\r\n\r\nsem boundary",
    b"Date: 31 Feb 2026 25:61:00 +9999\r\nFrom: <<<>>>\r\n\r\nx",
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
    b"\xff\xfe" * 1000,
]


@pytest.mark.parametrize("raw", MAILS)
def test_the_body_is_what_parse_gives_and_no_header_is_read(raw: bytes) -> None:
    whole, body = parse(raw), parse_body(raw)
    assert {name: getattr(body, name) for name in BODY_FIELDS} == {name: getattr(whole, name) for name in BODY_FIELDS}
    empty = ParsedMail()
    assert all(getattr(body, name) == getattr(empty, name) for name in HEADER_FIELDS)


def test_hostile_parts_stay_bounded_and_inactive() -> None:
    nested = parse_body(_nested(1000))
    assert "too_deep" in nested.defects and "no fundo" in nested.text
    many = parse_body(_many_parts(5000))
    assert "too_many_parts" in many.defects and len(many.attachments) < MAX_PARTS
    html = parse_body(MAILS[1]).html.lower()
    assert "<script" not in html and "oi" in html
    (attachment,) = parse_body(MAILS[6]).attachments
    assert attachment.safe_name == "faturafdp.exe"


def test_a_mail_over_the_size_cap_is_its_first_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mime, "MAX_RAW_BYTES", 100)
    mail = parse_body(_mail("Subject: grande\r\n", "x" * 500, "text/plain"))
    assert mail.defects == ("too_large",)
    assert mail.text.startswith("From:") and mail.subject == ""


def test_parts_with_the_same_headers_keep_their_own_content() -> None:
    part = (
        "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="nota.pdf"\r\n'
    )
    text = "Content-Type: text/plain; charset=utf-8\r\n"
    raw = (
        'From: a@cliente.com.br\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="s"\r\n\r\n'
        f"--s\r\n{text}\r\nprimeiro\r\n--s\r\n{part}\r\nJVBERi0x\r\n--s\r\n{text}\r\nsegundo\r\n"
        f"--s\r\n{part}\r\nJVBERi0yMg==\r\n--s--\r\n"
    ).encode()
    for mail in (parse(raw), parse_body(raw)):
        assert mail.text == "primeiro\n\nsegundo"
        assert [(a.safe_name, a.mime, a.data) for a in mail.attachments] == [
            ("nota.pdf", "application/pdf", b"%PDF-1"),
            ("nota.pdf", "application/pdf", b"%PDF-22"),
        ]
