"""A raw mail made into values the attendant can read safely: :func:`parse` never raises.

Python's ``email`` package does the MIME work (``policy.default``); this module bounds it and cleans what comes out:

* size, depth and part count are capped (a 1,000-level nesting or 5,000 parts cost bounded time and memory); the
  walk over parts is iterative, so deep nesting cannot exhaust the stack;
* every text is a ``str`` decoded with replacement, unknown charsets fall back to UTF-8 then Latin-1;
* subjects and display names are single-line plain text (no header injection, no control or bidi characters);
* addresses are validated (:func:`deskchat.core.identity.normalize_email`); junk is dropped;
* HTML is sanitised (:mod:`.html_safety`); remote image addresses are kept for the mail view, which blocks them
  until the attendant asks; plain text stays plain (the view escapes it);
* attachment names are made safe (:func:`safe_attachment_name`);
* a mail that cannot be parsed at all becomes its raw text, readable, with ``defects`` saying why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from typing import TYPE_CHECKING, Any, Final

from deskchat.channels.email.html_safety import sanitize
from deskchat.channels.email.single_part import read_message
from deskchat.core.identity import normalize_email
from deskchat.core.linking import case_ids as subject_case_ids
from deskchat.core.messages import Address

MAX_RAW_BYTES: Final = 64 * 1024 * 1024  # bigger mails are shown as their first bytes, undecoded
MAX_DEPTH: Final = 50  # Thunderbird decodes 50 levels; deeper parts are skipped
MAX_PARTS: Final = 1_000
MAX_TEXT_CHARS: Final = 4 * 1024 * 1024
MAX_HTML_CHARS: Final = 2 * 1024 * 1024
MAX_HEADER_CHARS: Final = 998  # RFC 5322 line limit: longer subjects are cut
MAX_ADDRESSES: Final = 200
MAX_REFERENCES: Final = 50
RAW_FALLBACK_CHARS: Final = 256 * 1024
_MSGID_RE: Final = re.compile(r"<([^<>\s]{1,250})>")
_CONTROL_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_WINDOWS_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
)
_AUTO_REPLY_PRECEDENCE: Final = frozenset({"bulk", "junk", "list", "auto_reply"})
_CACHED_HEADERS_PER_MAIL: Final = 64
_CACHED_HEADER_MAX_CHARS: Final = 1_000

if TYPE_CHECKING:  # the stubs make EmailPolicy generic; at run time it is a plain class
    _EmailPolicyBase = EmailPolicy[EmailMessage]
else:
    _EmailPolicyBase = EmailPolicy


class _OneMailPolicy(_EmailPolicyBase):
    """``policy.default`` that parses each header value once per mail: the ``email`` package re-parses a header on
    every look-up (the parser alone asks each part's Content-Type several times, then the body walk asks again), which
    was most of a small mail's parse. A parsed header depends only on its name and raw value, so the same object is
    handed back; a fresh policy per mail keeps nothing between mails, and the cache is capped in entries and value
    length so a hostile mail cannot make it big."""

    _parsed_headers: dict[tuple[str, str], Any]

    def __init__(self) -> None:
        super().__init__(header_factory=EmailPolicy.header_factory)  # the shared registry policy.default uses
        object.__setattr__(self, "_parsed_headers", {})

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name") or not isinstance(value, str) or len(value) > _CACHED_HEADER_MAX_CHARS:
            return super().header_fetch_parse(name, value)
        parsed_headers = self._parsed_headers
        key = (name, value)
        header = parsed_headers.get(key)
        if header is None:
            header = super().header_fetch_parse(name, value)
            if len(parsed_headers) < _CACHED_HEADERS_PER_MAIL:
                parsed_headers[key] = header
        return header


@dataclass(frozen=True)
class MailAttachment:
    safe_name: str
    mime: str
    size: int
    content_id: str = ""  # without the angle brackets; inline images are referenced as cid:<content_id>
    data: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class ParsedMail:
    subject: str = ""
    from_address: str = ""  # lower-cased, validated; "" when the From header is junk
    from_name: str = ""
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    date: int | None = None  # unix ms from the Date header; None when missing or invalid (use INTERNALDATE)
    text: str = ""  # the plain-text body (or the HTML's text when only HTML came); shown escaped
    html: str = ""  # sanitised HTML; remote image addresses kept for the view to block until asked
    remote_images: bool = False  # the original HTML asked for remote images (offer "Mostrar imagens remotas")
    attachments: tuple[MailAttachment, ...] = ()
    case_ids: tuple[str, ...] = ()
    message_id: str = ""  # without angle brackets
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    automatic: bool = False  # an auto-reply or bulk mail: it never reopens a case
    defects: tuple[str, ...] = ()


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw`` (RFC 5322 bytes) into a :class:`ParsedMail`; never raises."""
    return _parse(raw, with_headers=True)


def parse_body(raw: bytes) -> ParsedMail:
    """Only what the body step stores (text, HTML, remote-image mark, attachments, defects): :func:`parse` with the
    same bounds and cleaning, without reading the top-level headers (subject, addresses, date, threading, auto-reply),
    which the header sync already stored and which cost most of a small mail's parse. Never raises; the header fields
    of the result are empty."""
    return _parse(raw, with_headers=False)


def _parse(raw: bytes, *, with_headers: bool) -> ParsedMail:
    if len(raw) > MAX_RAW_BYTES:
        return _raw_fallback(raw, "too_large", with_headers=with_headers)
    try:
        message = read_message(raw, _OneMailPolicy())
        assert isinstance(message, EmailMessage)  # the policy's message factory
        return _parse_message(message) if with_headers else _parse_body(message)
    except (RecursionError, MemoryError):
        return _raw_fallback(raw, "too_deep", with_headers=with_headers)
    except Exception as error:  # any bug in a library path: the mail stays readable
        return _raw_fallback(raw, f"unparseable:{type(error).__name__}", with_headers=with_headers)


def plain_line(text: str, limit: int = MAX_HEADER_CHARS) -> str:
    """One line of plain text: controls, bidi and line breaks become spaces, runs of spaces shrink to one."""
    cleaned = "".join(" " if unicodedata.category(c) in _CONTROL_CATEGORIES else c for c in text[: limit * 2])
    return " ".join(cleaned.split())[:limit]


def safe_attachment_name(name: str, fallback: str = "anexo", max_chars: int = 150) -> str:
    """A file name safe to show and to write: no path parts, no control or bidi characters, no reserved names."""
    name = unicodedata.normalize("NFC", name or "")[:4096]
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _CONTROL_CATEGORIES)
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name) > max_chars:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: max_chars - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 else name
        name = name[:max_chars]
    return name or fallback


def _parse_message(message: EmailMessage) -> ParsedMail:
    body = _parse_body(message)
    subject = plain_line(_header_text(message, "Subject"))
    sender = _addresses(message, "From")
    return replace(
        body,
        subject=subject,
        from_address=sender[0].address if sender else "",
        from_name=sender[0].name if sender else "",
        to=tuple(_addresses(message, "To")),
        cc=tuple(_addresses(message, "Cc")),
        reply_to=tuple(_addresses(message, "Reply-To")),
        date=_date_ms(message),
        case_ids=tuple(subject_case_ids(subject)),
        message_id=_first_msgid(_header_text(message, "Message-ID")),
        in_reply_to=_first_msgid(_header_text(message, "In-Reply-To")),
        references=tuple(_MSGID_RE.findall(_header_text(message, "References")))[-MAX_REFERENCES:],
        automatic=_is_automatic(message),
    )


def _parse_body(message: EmailMessage) -> ParsedMail:
    defects: list[str] = [type(defect).__name__ for defect in message.defects][:20]
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[MailAttachment] = []
    for part, depth_exceeded in _leaf_parts(message, defects):
        if depth_exceeded:
            continue
        _collect(part, texts, htmls, attachments)
    html_source = "".join(htmls)[:MAX_HTML_CHARS]
    # Remote image addresses are kept (nothing else active is): the mail view blocks them until the attendant asks.
    html = sanitize(html_source, remote_images=True) if html_source else ""
    remote = bool(html_source) and sanitize(html_source) != html
    text = "\n\n".join(texts)[:MAX_TEXT_CHARS]
    return ParsedMail(
        text=text,
        html=html,
        remote_images=remote,
        attachments=tuple(attachments),
        defects=tuple(defects),
    )


def _leaf_parts(root: Message, defects: list[str]) -> Iterator[tuple[Message, bool]]:
    """Non-multipart parts in document order, depth-first without recursion, at most :data:`MAX_PARTS` of them."""
    stack: list[tuple[Message, int]] = [(root, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MAX_PARTS:
            defects.append("too_many_parts")
            return
        if depth > MAX_DEPTH:
            defects.append("too_deep")
            yield part, True
            continue
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend(
                    (child, depth + 1) for child in reversed(children[:MAX_PARTS]) if isinstance(child, Message)
                )
            continue
        yield part, False


def _collect(part: Message, texts: list[str], htmls: list[str], attachments: list[MailAttachment]) -> None:
    content_type = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    if disposition != "attachment" and not filename and content_type in ("text/plain", "text/html"):
        body = _decoded_text(part)
        (htmls if content_type == "text/html" else texts).append(body)
        return
    if content_type.startswith("multipart/"):
        return
    data = _payload_bytes(part)
    content_id = _first_msgid(str(part.get("Content-ID", "") or "")) or ""
    attachments.append(
        MailAttachment(
            safe_name=safe_attachment_name(filename, fallback=_fallback_name(content_type)),
            mime=content_type if "/" in content_type and len(content_type) < 128 else "application/octet-stream",
            size=len(data),
            content_id=content_id,
            data=data,
        )
    )


def _decoded_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return _clean_body(content)
    except Exception:  # unknown charset, broken transfer encoding: decode by hand below
        pass
    data = _payload_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return _clean_body(data.decode(charset, "replace"))
    except LookupError:
        return _clean_body(data.decode("utf-8", "replace"))


def _clean_body(text: str) -> str:
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")[:MAX_TEXT_CHARS]


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return ""
    return str(name) if name else ""


def _fallback_name(content_type: str) -> str:
    subtype = content_type.partition("/")[2]
    extension = re.sub(r"[^a-z0-9]", "", subtype.lower())[:8]
    return f"anexo.{extension}" if extension else "anexo"


def _header_text(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the policy cannot parse
        raw = message.get_all(name, failobj=[]) if hasattr(message, "get_all") else []
        value = raw[0] if raw else ""
    if value is None:
        return ""
    return str(value).encode("utf-8", "replace").decode("utf-8")


def _addresses(message: Message, name: str) -> list[Address]:
    try:
        header = message.get(name)
        found = list(getattr(header, "addresses", ()))[:MAX_ADDRESSES] if header is not None else []
    except Exception:
        return []
    result: list[Address] = []
    for item in found:
        address = normalize_email(str(getattr(item, "addr_spec", "") or ""))
        if address is not None:
            result.append(Address(address, plain_line(str(getattr(item, "display_name", "") or ""), 200)))
    return result


def _date_ms(message: Message) -> int | None:
    try:
        header = message.get("Date")
        moment = getattr(header, "datetime", None)
        if moment is None or moment.tzinfo is None:
            return None
        return int(moment.timestamp() * 1000)
    except Exception:
        return None


def _first_msgid(text: str) -> str:
    found = _MSGID_RE.search(text)
    return found.group(1) if found else ""


def _is_automatic(message: Message) -> bool:
    auto_submitted = _header_text(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _header_text(message, "X-Autoreply") or _header_text(message, "X-Autorespond"):
        return True
    return _header_text(message, "Precedence").strip().lower() in _AUTO_REPLY_PRECEDENCE


def _raw_fallback(raw: bytes, reason: str, *, with_headers: bool = True) -> ParsedMail:
    """The mail as readable raw text; its headers are still read when they parse (they never nest) and are asked."""
    text = _clean_body(raw[:RAW_FALLBACK_CHARS].decode("utf-8", "replace"))
    if not with_headers:
        return ParsedMail(text=text, defects=(reason,))
    try:
        headers = BytesParser(policy=policy.default).parsebytes(raw[:RAW_FALLBACK_CHARS], headersonly=True)
        subject = plain_line(_header_text(headers, "Subject"))
        sender = _addresses(headers, "From")
        return ParsedMail(
            subject=subject,
            from_address=sender[0].address if sender else "",
            from_name=sender[0].name if sender else "",
            to=tuple(_addresses(headers, "To")),
            cc=tuple(_addresses(headers, "Cc")),
            date=_date_ms(headers),
            text=text,
            case_ids=tuple(subject_case_ids(subject)),
            message_id=_first_msgid(_header_text(headers, "Message-ID")),
            in_reply_to=_first_msgid(_header_text(headers, "In-Reply-To")),
            references=tuple(_MSGID_RE.findall(_header_text(headers, "References")))[-MAX_REFERENCES:],
            automatic=_is_automatic(headers),
            defects=(reason,),
        )
    except Exception:
        return ParsedMail(text=text, defects=(reason,))
