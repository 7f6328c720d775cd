"""The header pass reads the list fields of any header block as parse() does: header blocks generated from a grammar
of realistic and hostile values (quoted names with commas, encoded words, folds, groups, comments, duplicates, CR/LF
variants, raw 8-bit bytes, garbage). ``DESKCHAT_HYPOTHESIS_EXAMPLES`` raises the example count (CI keeps it small)."""

from __future__ import annotations

import base64
import os
import re
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_header_fields import _list_fields

from deskchat.channels.email.header_fields import read_header_fields
from deskchat.channels.email.mime import MAX_ADDRESSES, MAX_REFERENCES, ParsedMail, parse, plain_line
from deskchat.core.identity import bare_email, normalize_email
from deskchat.core.linking import case_ids
from deskchat.core.messages import Address

EXAMPLES = int(os.environ.get("DESKCHAT_HYPOTHESIS_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["Ana", "Souza", "J.", "Jr.", "da", "Conceição", "SUPORTE", "o'Neil", "Zoë", "x=y", "RE:", "[Caso", "#12]"]
TEXTS = ["Ana Souza", "Souza, Ana", "Ana  Souza", "Ana\tSouza", "João", "Zoë Müller", "RE: [Caso #123] boleto", ""]
LOCALS = st.sampled_from(["ana", "Ana.Souza", "c17", "a+b", "x_y", ".a", "a..b", "o'neil", "SUPORTE", "a-b", "ç"])
DOMAINS = st.sampled_from(["cliente.com.br", "EXAMPLE.test", "b.c", "localhost", "[127.0.0.1]", "mail.x-y.com", "a"])
BLANKS = st.sampled_from(["", " ", "  ", "\t", " \t ", "\r\n ", "\r\n\t", "\n "])
MSGID = re.compile(r"<([^<>\s]{1,250})>")
ADDR_SPEC = r'[^<>()\[\]\\,;:\s"@]+@[^<>()\[\]\\,;:\s"@]+'
ONE_ADDRESS = rf'\s*(?:(?:"[^"\\]*"|[^"<>()\[\]\\,;:@]*)\s*<{ADDR_SPEC}>|{ADDR_SPEC})\s*'
SIMPLE_ADDRESS_LIST = re.compile(rf"{ONE_ADDRESS}(?:,{ONE_ADDRESS})*")
CHARSETS = st.sampled_from(["utf-8", "UTF-8", "iso-8859-1", "ISO-8859-1", "windows-1252", "us-ascii", "x-unknown"])


@st.composite
def encoded_words(draw: st.DrawFn, broken: bool = True) -> str:
    text = draw(st.sampled_from(TEXTS))
    charset = draw(CHARSETS if broken else CHARSETS.filter(lambda name: name != "us-ascii"))
    data = text.encode(charset if charset.lower() in ("utf-8", "iso-8859-1", "windows-1252") else "utf-8")
    if draw(st.booleans()):
        payload = base64.b64encode(data).decode()
        payload = payload.rstrip("=") if draw(st.booleans()) else payload  # missing padding
        return f"=?{charset}?{draw(st.sampled_from('bB'))}?{payload}?="
    hexcase = draw(st.sampled_from(["{:02X}", "{:02x}"]))
    quoted = "".join(
        chr(b) if chr(b).isalnum() and b < 128 else "_" if b == 32 else "=" + hexcase.format(b) for b in data
    )
    if broken:
        quoted = quoted + draw(st.sampled_from(["", "", "=", "=4", "?", " x", "_"]))
    return f"=?{charset}?{draw(st.sampled_from('qQ'))}?{quoted}?="


def phrases(hostile: bool) -> st.SearchStrategy[str]:
    """Display names and subjects: words and encoded words (at most one unless ``hostile``: parse() reads names of
    several encoded words differently from ``email.header``) with blanks between."""
    blanks = BLANKS if hostile else st.sampled_from([" ", "  ", "\t", "\r\n "])
    words = st.one_of(st.sampled_from(WORDS), encoded_words()) if hostile else st.sampled_from(WORDS)
    plain = st.lists(st.tuples(words, blanks), max_size=4).map(lambda items: "".join(w + b for w, b in items).strip())
    if hostile:
        return plain
    encoded = st.tuples(plain, blanks, encoded_words(broken=False), blanks, plain).map("".join).map(str.strip)
    return st.one_of(plain, encoded)


@st.composite
def addresses(draw: st.DrawFn, hostile: bool) -> str:
    spec = draw(LOCALS) + "@" + draw(DOMAINS)
    shape = draw(st.integers(0, 9) if hostile else st.sampled_from([0, 1, 3, 4, 5, 6, 7, 8, 9]))
    name = draw(phrases(hostile))
    blank = draw(BLANKS if hostile else st.sampled_from([" ", "  ", "\t", "\r\n "]))  # "J.<a@b>": parse() finds none
    if shape == 0:
        return spec
    if shape == 1:
        return f"<{spec}>"
    if shape == 2:
        return f'"{name}"{blank}<{spec}>'
    if shape == 3:
        return f'"{draw(st.sampled_from(TEXTS))}" <{spec}>'
    if shape == 4:
        return f"{spec} ({name})"  # a comment
    if shape == 5:
        return f'"A \\"B\\" C" <{spec}>'  # a quoted pair
    if shape == 6:
        return draw(st.sampled_from(["undisclosed-recipients:;", f"Equipe: {spec}, x@y.com;", "<@route:a@b.com>"]))
    if shape == 7:
        return draw(st.sampled_from(["not an address", "a@b@c.com", "<", '"unterminated <a@b.com>', ",", ""]))
    return f"{name}{blank}<{spec}>"


def address_lists(hostile: bool) -> st.SearchStrategy[str]:
    separator = st.sampled_from([", ", ",", " , ", ",\r\n ", ",\r\n\t", ",,", ";"])
    return st.lists(st.tuples(addresses(hostile), separator), max_size=4).map(
        lambda items: "".join(a + s for a, s in items)[: -len(items[-1][1])] if items else ""
    )


def subjects(hostile: bool) -> st.SearchStrategy[str]:
    text = st.sampled_from([*TEXTS, "Pedido 12", "RE: [Caso #77] nota", "a\r\n b", "<script>x</script>", "\u202eevil"])
    blanks = BLANKS if hostile else st.sampled_from([" ", "\t", "\r\n "])
    return st.one_of(phrases(hostile), text, st.tuples(text, blanks, encoded_words(broken=hostile)).map("".join))


def dates() -> st.SearchStrategy[str]:
    usual = st.builds(
        "{}{} {} {} {:02d}:{:02d}:{:02d} {}{}".format,
        st.sampled_from(["Tue, ", "", "Xyz, ", "tue, "]),
        st.integers(0, 32),
        st.sampled_from(["Jan", "Feb", "Nov", "nov", "Dec", "Foo"]),
        st.sampled_from(["2026", "1999", "26", "0050", "10000"]),
        st.integers(0, 25),
        st.integers(0, 60),
        st.integers(0, 61),
        st.sampled_from(["-0300", "+0000", "-0000", "+0530", "+9999", "GMT", "EST", "+03"]),
        st.sampled_from(["", " (UTC)", " (BRT)", " (x y)", "  "]),
    )
    return st.one_of(usual, st.sampled_from(["", "not a date", "Tue, 10 Nov 2026", "2026-11-10T09:00:00Z"]))


def msgids(hostile: bool) -> st.SearchStrategy[str]:
    odd = ["<a b@c>", "m2@x", "<>", "<x@y> (c)"] if hostile else []
    ids = ["<m1@cliente.com.br>", "<CAF+x/y=z@mail.gmail.com>", *odd]
    blanks = BLANKS if hostile else st.just("\r\n ")
    return st.lists(st.tuples(st.sampled_from(ids), blanks), max_size=3).map(lambda i: "".join(a + b for a, b in i))


def field_values(hostile: bool) -> dict[str, st.SearchStrategy[str]]:
    return {
        "From": address_lists(hostile),
        "To": address_lists(hostile),
        "Cc": address_lists(hostile),
        "Reply-To": address_lists(hostile),
        "Subject": subjects(hostile),
        "Date": dates(),
        "Message-ID": msgids(hostile),
        "In-Reply-To": msgids(hostile),
        "References": msgids(hostile),
        "Auto-Submitted": st.sampled_from(["no", "auto-replied", "No", ""]),
        "X-Autoreply": st.sampled_from(["yes", "", "=?utf-8?q??="]),
        "Precedence": st.sampled_from(["bulk", "List", " junk ", "first-class"]),
    }


@st.composite
def header_blocks(draw: st.DrawFn, hostile: bool = True) -> bytes:
    values = field_values(hostile)
    names = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=12))  # duplicates included
    lines = []
    for name in names:
        spelled = draw(st.sampled_from([name, name.lower(), name.upper()]))
        colon = draw(st.sampled_from([": ", ":", ":  ", ":\t", " : "]))
        lines.append(spelled + colon + draw(values[name]))
    if hostile and draw(st.integers(0, 9)) == 0:
        odd = [" leading fold", "From mbox@line Tue Nov 10", "no colon here", "X-Null: a\x00b", "X-CR: a\rb", ":x"]
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(odd)))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r\n", "\r\n"]))
    text = newline.join(lines).replace("\r\n", newline) + draw(st.sampled_from([newline + newline, newline, ""]))
    if draw(st.integers(0, 9)) == 0:
        text += "body: not a header\r\n"
    return text.encode(draw(st.sampled_from(["ascii", "utf-8", "latin-1"])), "replace")


@SETTINGS
@given(header_blocks(hostile=False))
def test_the_list_fields_of_any_block_match_the_thorough_parser(raw: bytes) -> None:
    assert _list_fields(read_header_fields(raw)) == _list_fields(parse(raw))


@SETTINGS
@given(header_blocks(hostile=True))
def test_hostile_blocks_are_read_as_before_the_fast_path(raw: bytes) -> None:
    assert read_header_fields(raw) == _reading_before_the_fast_path(raw)


def _reading_before_the_fast_path(raw: bytes) -> ParsedMail:
    """The reading this must keep: ``compat32`` splits the block, ``getaddresses`` reads the address lists of the
    usual shapes, ``email.header`` decodes; anything else (an exception) is parse()'s. It agrees with parse() except on
    hostile shapes: a name glued to its bracket (``J.<a@b.c>``), names of several encoded words, encoded words glued
    to text or broken, a us-ascii encoded word after one in another charset, Message-IDs with blanks or without
    brackets, a first line that is a fold."""
    try:
        message = BytesHeaderParser(policy=compat32).parsebytes(raw)

        def text(name: str) -> str:
            value = message.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError("8-bit header")
            return "" if value is None else str(make_header(decode_header(value))) if "=?" in value else value

        def addresses(name: str) -> tuple[Address, ...]:
            value = message.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError("8-bit header")
            unfolded = (value or "").replace("\r\n", "").replace("\n", "")
            if not unfolded.strip():
                return ()
            if SIMPLE_ADDRESS_LIST.fullmatch(unfolded) is None:
                raise ValueError("an unusual address list")
            found = [(normalize_email(a), n) for n, a in getaddresses([unfolded])[:MAX_ADDRESSES]]
            return tuple(
                Address(a, plain_line(str(make_header(decode_header(n))) if "=?" in n else n, 200))
                for a, n in found
                if a is not None
            )

        subject = plain_line(text("Subject"))
        sender = addresses("From")
        date = message.get("Date")
        try:
            moment = parsedate_to_datetime(date) if isinstance(date, str) else None
        except (TypeError, ValueError, IndexError):
            moment = None
        auto_submitted = text("Auto-Submitted").strip().lower()
        in_reply_to, message_id = MSGID.search(text("In-Reply-To")), MSGID.search(text("Message-ID"))
        return ParsedMail(
            subject=subject,
            from_address=sender[0].address if sender else "",
            from_name=sender[0].name if sender else "",
            to=addresses("To"),
            cc=addresses("Cc"),
            reply_to=addresses("Reply-To"),
            date=int(moment.timestamp() * 1000) if moment and moment.tzinfo else None,
            case_ids=tuple(case_ids(subject)),
            message_id=message_id[1] if message_id else "",
            in_reply_to=in_reply_to[1] if in_reply_to else "",
            references=tuple(MSGID.findall(text("References")))[-MAX_REFERENCES:],
            automatic=bool(auto_submitted and not auto_submitted.startswith("no"))
            or bool(text("X-Autoreply") or text("X-Autorespond"))
            or text("Precedence").strip().lower() in {"bulk", "junk", "list", "auto_reply"},
        )
    except Exception:
        return parse(raw)


@SETTINGS
@given(st.one_of(st.builds("{}@{}".format, LOCALS, DOMAINS), st.text(max_size=30)))
def test_a_bare_address_is_validated_as_normalize_email_does(text: str) -> None:
    found = bare_email(text)
    assert found is None or found == normalize_email(text)
    if normalize_email(text) == text.lower():
        assert found == text.lower()
