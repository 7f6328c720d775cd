"""A mail read by ``email``'s parser without walking a single-part body line by line.

``BytesParser`` feeds the whole mail through its feed parser one line at a time, also the body of a mail that has
no parts (most plain-text mail): for a 20 KB body that is hundreds of Python-level steps only to join the lines
back. When the header block is plainly shaped (CRLF lines, each a field or a fold, then an empty line) the parser
reads just that block, and a body that is not ``multipart/*`` nor ``message/*`` is given as its payload exactly the
text the feed parser would have joined: the result is the same message. Anything else is parsed whole.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import Policy
from typing import Final

# A field line or a fold, as the feed parser reads them (its field names are printable ASCII without ':'), with no
# lone CR or LF, nor any other character ``str.splitlines`` breaks at (\v, \f, \x1c-\x1e), which some Python versions
# split the feed with.
_LINE_CHARS: Final = rb"[^\r\n\x0b\x0c\x1c-\x1e]"
_HEADER_BLOCK: Final = re.compile(
    rb"[!-9;-~]+:" + _LINE_CHARS + rb"*\r\n(?:(?:[!-9;-~]+:|[ \t])" + _LINE_CHARS + rb"*\r\n)*\r\n"
)
_PARSED_WHOLE: Final = frozenset({"multipart", "message"})


def read_message(raw: bytes, policy: Policy) -> Message:
    """``BytesParser(policy=policy).parsebytes(raw)``, faster for a single-part mail."""
    block = _HEADER_BLOCK.match(raw)
    if block is not None:
        message = BytesParser(policy=policy).parsebytes(raw[: block.end()], headersonly=True)
        if message.get_content_maintype() not in _PARSED_WHOLE:
            message.set_payload(raw[block.end() :].decode("ascii", "surrogateescape"))
            return message
    return BytesParser(policy=policy).parsebytes(raw)
