"""The Sent folder as the record of what left: find our own Message-ID there, file a copy when the server did not.

Gmail (and Exchange for authenticated submission) file mail sent over SMTP in Sent by themselves; other servers do
not. After a send, :func:`file_copy` appends the copy unless it is already there. After a lost SMTP reply,
:func:`is_in_sent` tells whether the server has it; only then is the item known to be sent. Blocking.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from typing import Any

SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "Enviados", "Itens Enviados")


def sent_folder(connection: Any) -> str:
    """The folder flagged ``\\Sent`` (RFC 6154), else a folder with a usual name, else "Sent"."""
    try:
        found = connection.find_special_folder(b"\\Sent")
    except Exception:
        found = None
    if found:
        return str(found)
    names = {str(name) for _flags, _delimiter, name in connection.list_folders()}
    return next((name for name in SENT_NAMES if name in names), "Sent")


def is_in_sent(connection: Any, message_id: str, folder: str | None = None) -> bool:
    folder = folder or sent_folder(connection)
    connection.select_folder(folder, readonly=True)
    return bool(connection.search(["HEADER", "Message-ID", f"<{message_id}>"]))


def file_copy(connection: Any, mail: EmailMessage, message_id: str, folder: str | None = None) -> bool:
    """Append ``mail`` to Sent (seen) unless a message with ``message_id`` is there; True when it appended."""
    folder = folder or sent_folder(connection)
    if is_in_sent(connection, message_id, folder):
        return False
    connection.append(folder, mail.as_bytes(policy=policy.SMTP), flags=(b"\\Seen",))
    return True
