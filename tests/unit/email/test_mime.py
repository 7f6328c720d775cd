"""parse() over hostile mail: it never raises, keeps what a reader needs, and hands the window nothing active."""

from __future__ import annotations

import time

import pytest

from deskchat.channels.email.html_safety import sanitize
from deskchat.channels.email.mime import MAX_PARTS, parse, safe_attachment_name


def _mail(headers: str, body: str = "Olá", content_type: str = "text/plain; charset=utf-8") -> bytes:
    return (
        f"From: Ana Souza <ana@cliente.com.br>\r\nTo: suporte@empresa.com.br\r\n{headers}"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n{body}\r\n"
    ).encode()


def test_an_ordinary_mail_gives_every_field() -> None:
    raw = _mail(
        "Subject: =?utf-8?q?RE=3A_=5BCaso_=23123=5D_boleto_vencido?=\r\n"
        'Cc: "Bruno" <Bruno@Empresa.com.br>\r\n'
        "Date: Tue, 10 Nov 2026 09:30:00 -0300\r\n"
        "Message-ID: <abc.1@cliente.com.br> (comment)\r\n"
        "In-Reply-To: <x1@empresa.com.br>\r\nReferences: <x0@empresa.com.br> <x1@empresa.com.br>\r\n",
        "Segue o comprovante.",
    )
    mail = parse(raw)
    assert mail.subject == "RE: [Caso #123] boleto vencido"
    assert (mail.from_address, mail.from_name) == ("ana@cliente.com.br", "Ana Souza")
    assert [a.address for a in mail.to] == ["suporte@empresa.com.br"]
    assert [(a.address, a.name) for a in mail.cc] == [("bruno@empresa.com.br", "Bruno")]
    assert mail.date == 1_794_313_800_000
    assert mail.text.strip() == "Segue o comprovante."
    assert mail.case_ids == ("123",)
    assert mail.message_id == "abc.1@cliente.com.br"
    assert mail.in_reply_to == "x1@empresa.com.br"
    assert mail.references == ("x0@empresa.com.br", "x1@empresa.com.br")
    assert not mail.automatic and mail.defects == ()


@pytest.mark.parametrize(
    "subject",
    [
        "=?utf-8?q?Oi=0D=0ABcc=3A_vitima=40x.com?=",  # encoded CR LF: header injection
        "=?utf-8?b?T2kNCkJjYzogdml0aW1hQHguY29t?=",
        "Oi\u202egnp.exe",  # bidi override (raw UTF-8 in the header)
    ],
)
def test_subjects_are_one_line_of_plain_text(subject: str) -> None:
    mail = parse(_mail(f"Subject: {subject}\r\n"))
    assert "\r" not in mail.subject and "\n" not in mail.subject
    assert "\u202e" not in mail.subject
    assert mail.subject.startswith("Oi")


def test_a_display_name_with_markup_stays_text_and_a_broken_address_is_dropped() -> None:
    raw = (
        b'From: "<b>Chefe</b>\r\n Bcc: x" <chefe@empresa.com.br>\r\nTo: "broken <x@y, ok@empresa.com.br\r\n'
        b"Subject: t\r\n\r\ncorpo\r\n"
    )
    mail = parse(raw)
    assert mail.from_address == "chefe@empresa.com.br"
    assert "\n" not in mail.from_name
    assert all("@" in a.address and '"' not in a.address and "<" not in a.address for a in mail.to)


@pytest.mark.parametrize("charset", ["x-unknown-charset", "utf-7-nonsense", "", "iso-8859-1"])
def test_unknown_charsets_decode_with_replacement(charset: str) -> None:
    raw = _mail("Subject: t\r\nContent-Transfer-Encoding: 8bit\r\n", content_type=f"text/plain; charset={charset}")
    raw = raw.replace("Olá".encode(), "Ol\xe1 pre\xe7o".encode("latin-1"))
    mail = parse(raw)
    assert isinstance(mail.text, str) and mail.text.startswith("Ol")
    assert "\x00" not in mail.text


def test_a_thousand_levels_of_nesting_are_bounded_and_readable() -> None:
    depth = 1000
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    headers = "From: a@cliente.com.br\r\nSubject: fundo\r\nMIME-Version: 1.0\r\n"
    raw = f"{headers}{head}Content-Type: text/plain\r\n\r\nno fundo{tail}"
    started = time.monotonic()
    mail = parse(raw.encode())
    assert time.monotonic() - started < 30  # a guard against a hang, not a speed target
    assert mail.subject == "fundo"
    assert "too_deep" in mail.defects
    assert "no fundo" in mail.text  # shown as readable raw text


def test_five_thousand_parts_are_capped() -> None:
    parts = "".join(
        "--sep\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="f{i}.bin"\r\n\r\nx\r\n'
        for i in range(5000)
    )
    headers = 'From: a@cliente.com.br\r\nSubject: muitas\r\nContent-Type: multipart/mixed; boundary="sep"'
    raw = f"{headers}\r\n\r\n{parts}--sep--\r\n"
    mail = parse(raw.encode())
    assert len(mail.attachments) < MAX_PARTS
    assert "too_many_parts" in mail.defects


HOSTILE_HTML = [
    ("<p>oi</p><script>alert(1)</script>", "script"),
    ('<img src="x" onerror="alert(1)"><p onclick="x()">oi</p>', "on"),
    ('<a href="javascript:alert(1)">clique</a>', "javascript:"),
    ('<div style="background:url(https://beacon.example/x)">oi</div>', "beacon.example"),
    ("<style>p{background:url(https://beacon.example/y)}</style><p>oi</p>", "beacon.example"),
    ('<form action="https://evil.example/"><input name="senha"></form>', "form"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    ('<iframe srcdoc="<script>x</script>"></iframe>', "srcdoc"),
    ('<svg><image href="https://evil.example/a.png"/></svg>', "evil.example"),
    ('<img src="file:///etc/passwd">', "file:"),
    ('<link rel="stylesheet" href="https://evil.example/a.css">', "evil.example"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "evil.example"),
]


@pytest.mark.parametrize(("html", "forbidden"), HOSTILE_HTML)
def test_hostile_html_loses_everything_active(html: str, forbidden: str) -> None:
    raw = _mail("Subject: html\r\n", html, content_type="text/html; charset=utf-8")
    mail = parse(raw)
    lowered = mail.html.lower()
    assert forbidden not in lowered
    assert "<script" not in lowered and " on" not in lowered.replace("noopener", "")


def test_remote_images_are_marked_for_the_view_to_block_and_cid_images_stay() -> None:
    html = '<p>oi</p><img src="https://tracker.example/p.gif" onload="x()"><img src="cid:logo@empresa">'
    mail = parse(_mail("Subject: img\r\n", html, content_type="text/html; charset=utf-8"))
    assert mail.remote_images  # the view shows "Mostrar imagens remotas" and loads nothing until asked
    assert 'src="cid:logo@empresa"' in mail.html
    assert "onload" not in mail.html
    assert "tracker.example" not in sanitize(html)  # a sanitiser without the remote-images allowance drops it


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.bat", "evil.bat"),
        ("fatura\u202efdp.exe", "faturafdp.exe"),
        ("CON.txt", "_CON.txt"),
        ("nota. ", "nota"),
        ("", "anexo"),
        ("a" * 500 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_attachment_names_are_safe(name: str, expected: str) -> None:
    assert safe_attachment_name(name) == expected


def test_attachments_from_a_mail_carry_safe_name_mime_and_size() -> None:
    raw = (
        b"From: a@cliente.com.br\r\nSubject: anexos\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="s"\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\ncorpo\r\n'
        b"--s\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2Ffatura%E2%80%AEfdp.exe\r\n\r\n"
        b"JVBERi0=\r\n--s--\r\n"
    )
    mail = parse(raw)
    (attachment,) = mail.attachments
    assert attachment.safe_name == "faturafdp.exe"
    assert attachment.mime == "application/pdf"
    assert attachment.size == 5
    assert mail.text.strip() == "corpo"


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-replied\r\n", "X-Autoreply: yes\r\n", "Precedence: bulk\r\n"])
def test_auto_replies_are_marked(header: str) -> None:
    assert parse(_mail(f"Subject: Ausente\r\n{header}")).automatic


def test_auto_submitted_no_is_a_person() -> None:
    assert not parse(_mail("Subject: oi\r\nAuto-Submitted: no\r\n")).automatic


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02",
        b"Subject: =?x-bad?q?=ZZ?=\r\n\r\n",
        b"Content-Type: multipart/mixed\r\n\r\nsem boundary",
        b"Date: 31 Feb 2026 25:61:00 +9999\r\nFrom: <<<>>>\r\n\r\nx",
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
        b"\xff\xfe" * 1000,
    ],
)
def test_garbage_never_raises(raw: bytes) -> None:
    mail = parse(raw)
    assert isinstance(mail.text, str) and isinstance(mail.subject, str)
    assert mail.date is None or mail.date > 0
