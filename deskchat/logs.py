"""Logging: a rotating file in the profile and, with --verbose, the terminal. No customer data is ever logged.

DeskChat's own log calls name accounts, conversations and messages by their ids, never by a customer's text, name,
phone number or address. Other libraries' lines and exception texts (whatsmeow names chats by JID; an exception may
quote a number) pass through :class:`PrivateFormatter`, which replaces every WhatsApp JID, e-mail address and phone
number by a short tag that is the same for the same value within one run and means nothing across runs.
"""

from __future__ import annotations

import hashlib
import logging
import logging.handlers
import re
import secrets
import sys
from pathlib import Path

from deskchat.paths import make_private_dir, make_private_file

_FILE_HANDLER = "deskchat.file"
_CONSOLE_HANDLER = "deskchat.console"
_OUR_HANDLERS = (_FILE_HANDLER, _CONSOLE_HANDLER)

_RUN_SALT = secrets.token_bytes(16)  # tags match within one run's log only

_JID = re.compile(r"[\w.:+-]*@(?:s\.whatsapp\.net|c\.us|lid|g\.us|broadcast|newsletter|bot|hosted(?:\.lid)?)\b")
_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w.])(?:\+\d[\d ().-]{7,20}\d"  # an international number as people write it
    r"|\(\d{2,3}\)\s?9?\d{4}-?\d{4}"  # a Brazilian number with its area code in brackets
    r"|\d{10,15})(?![\w.])"  # a bare number as JIDs and E.164 without '+' carry it
)


def _tag(kind: str, value: str) -> str:
    return f"<{kind}:{hashlib.blake2s(value.encode(), key=_RUN_SALT, digest_size=3).hexdigest()}>"


def redact(text: str) -> str:
    """``text`` with every WhatsApp JID, e-mail address and phone number replaced by a short per-run tag."""
    text = _JID.sub(lambda match: _tag("jid", match.group()), text)
    text = _EMAIL.sub(lambda match: _tag("email", match.group()), text)
    return _PHONE.sub(lambda match: _tag("phone", match.group()), text)


class PrivateFormatter(logging.Formatter):
    """A formatter that redacts the message, the exception and the stack of every record (:func:`redact`)."""

    def format(self, record: logging.LogRecord) -> str:
        clean = logging.makeLogRecord(record.__dict__)
        try:
            clean.msg, clean.args = redact(record.getMessage()), None
        except Exception:  # a broken log call must not hide the line, nor leak its arguments
            clean.msg, clean.args = f"unformattable log message from {record.pathname}:{record.lineno}", None
        if record.exc_info:
            clean.exc_text = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            clean.exc_text = redact(record.exc_text)
        clean.exc_info = None
        if record.stack_info:
            clean.stack_info = redact(record.stack_info)
        return super().format(clean)


def configure_logging(log_dir: Path | None, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):  # neonize's basicConfig, an earlier set-up
        root.removeHandler(handler)
        if handler.get_name() in _OUR_HANDLERS:
            handler.close()
    formatter = PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if log_dir is not None:
        make_private_dir(log_dir)
        log_file = make_private_file(log_dir / "deskchat.log")
        file_handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3)
        file_handler.setFormatter(formatter)
        file_handler.set_name(_FILE_HANDLER)
        root.addHandler(file_handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(formatter)
    console.set_name(_CONSOLE_HANDLER)
    root.addHandler(console)
