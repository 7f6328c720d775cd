"""The shapes of the demo's conversation scripts (the Portuguese texts live in the ``sample_*`` modules).

E-mail bodies are written as indented blocks: blank lines separate paragraphs, the lines of a paragraph are
joined with spaces, and list items ("- ", "1. ") keep their own lines; :func:`paragraphs` does that.
"""

from __future__ import annotations

import re
import textwrap
from typing import NamedTuple

_LIST_ITEM = re.compile(r"(?:-|[0-9]+\.) ")


class Turn(NamedTuple):
    """One WhatsApp message of a script."""

    who: str  # "c": customer (incoming) | "a": attendant (outgoing)
    text: str = ""
    kind: str = "text"  # text | image | video | document | voice | sticker
    file: str = ""  # attachment file name (voice notes and stickers get one from the generator)
    reply: int = 0  # > 0: quotes the message this many turns earlier
    react: str = ""  # the other side reacts to this message with this emoji


class ChatScript(NamedTuple):
    """A WhatsApp talk about one topic."""

    topic: str
    queue: str  # CRM queue of the case it opens: Vendas | Suporte | Financeiro
    case_title: str  # "" when the talk opens no case
    priority: str  # of that case
    turns: tuple[Turn, ...]


class MailTurn(NamedTuple):
    """One e-mail of a thread."""

    who: str  # "c": customer | "a": attendant
    body: str
    attachments: tuple[str, ...] = ()


class MailThread(NamedTuple):
    """An e-mail thread about one topic."""

    topic: str
    queue: str
    subject: str
    case_title: str  # "" when the thread opens no case
    priority: str
    tagged: bool  # the subject carries "[Caso #N]" after the first reply
    pending_cut: int  # how many e-mails to keep when the thread is waiting for the attendant; 0: unsuitable
    turns: tuple[MailTurn, ...]


def chat_customer(text: str = "", kind: str = "text", file: str = "", reply: int = 0, react: str = "") -> Turn:
    return Turn("c", text, kind, file, reply, react)


def chat_attendant(text: str = "", kind: str = "text", file: str = "", reply: int = 0, react: str = "") -> Turn:
    return Turn("a", text, kind, file, reply, react)


def paragraphs(block: str) -> str:
    """The body text of an indented block (see the module docstring)."""
    result: list[str] = []
    for paragraph in re.split(r"\n\s*\n", textwrap.dedent(block).strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        result.append("\n".join(lines))
    return "\n\n".join(result)


def mail_customer(block: str, *attachments: str) -> MailTurn:
    return MailTurn("c", paragraphs(block), attachments)


def mail_attendant(block: str, *attachments: str) -> MailTurn:
    return MailTurn("a", paragraphs(block), attachments)
