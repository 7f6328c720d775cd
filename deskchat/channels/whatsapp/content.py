"""What a WhatsApp ``waE2E.Message`` says: a body (text, media), or a change to another message.

Live messages reach us already unwrapped by whatsmeow; history-sync messages do not, so :func:`parse` looks through
the wrappers (ephemeral, view-once, document-with-caption, edited, device-sent, …) when no content is on top.

Media become a :class:`~deskchat.store.messages.Attachment` whose ``remote_ref`` is a small JSON document::

    {"v": 1, "field": "imageMessage", "message": "<base64 of a waE2E.Message holding only that media field>"}

without the thumbnail and the quote, i.e. exactly what ``NewAClient.download_any`` needs (see
:func:`message_for_download`).

Every text read here goes through :mod:`.sanitize` (always ``str``, no NUL, bounded); a change whose target id is
malformed raises :class:`~.sanitize.MalformedEvent`.
"""

from __future__ import annotations

import base64
import functools
import json
import mimetypes
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf.descriptor import FieldDescriptor  # type: ignore[import-untyped]
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message, ProtocolMessage
from neonize.utils.message import extract_text

from deskchat.channels.whatsapp import sanitize
from deskchat.core.messages import Attachment

#: Wrapper fields (``FutureProofMessage`` or ``DeviceSentMessage``) whose ``message`` is the real content.
_WRAPPERS: Final = (
    "ephemeralMessage",
    "viewOnceMessage",
    "viewOnceMessageV2",
    "viewOnceMessageV2Extension",
    "documentWithCaptionMessage",
    "editedMessage",
    "deviceSentMessage",
    "groupMentionedMessage",
    "botInvokeMessage",
    "lottieStickerMessage",
    "spoilerMessage",
)
_MAX_WRAPPING: Final = 6

#: Media fields: (field, DeskChat kind, default mime type).
_MEDIA: Final = (
    ("imageMessage", "image", "image/jpeg"),
    ("videoMessage", "video", "video/mp4"),
    ("ptvMessage", "video", "video/mp4"),
    ("audioMessage", "audio", "audio/ogg"),
    ("documentMessage", "document", "application/octet-stream"),
    ("stickerMessage", "sticker", "image/webp"),
)
_EXTENSIONS: Final = {
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
}
_TEXT_FIELDS: Final = ("conversation", "extendedTextMessage")
REMOTE_REF_VERSION: Final = 1
#: What whatsmeow's DownloadAny reads (plus what the UI may show before downloading).
_DOWNLOAD_FIELDS: Final = (
    "URL",
    "directPath",
    "mediaKey",
    "fileSHA256",
    "fileEncSHA256",
    "fileLength",
    "mimetype",
    "mediaKeyTimestamp",
    "fileName",
    "PTT",
    "seconds",
    "width",
    "height",
    "isAnimated",
)


@dataclass(frozen=True, slots=True)
class Body:
    """A message with content: ``kind`` is text, image, video, audio, voice, document, sticker, location,
    contact or unsupported."""

    kind: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None  # the quoted message's WhatsApp id


@dataclass(frozen=True, slots=True)
class Reaction:
    target_id: str
    emoji: str  # "" removes the reaction
    at: int | None  # unix ms, when the sender says


@dataclass(frozen=True, slots=True)
class Edit:
    target_id: str
    new_text: str
    at: int | None  # unix ms


@dataclass(frozen=True, slots=True)
class Revoke:
    target_id: str


Parsed = Body | Reaction | Edit | Revoke


def parse(message: Any, message_id: str, *, edit_marker: str = "", _depth: int = 0) -> Parsed | None:
    """Read a ``waE2E.Message``, looking through wrappers (ephemeral, view-once, …) as needed.

    Args:
        message: the content.
        message_id: the message's own id, used to name media files.
        edit_marker: ``MessageInfo.Edit`` of a live message ("1" edit, "7"/"8" revoke); such a message is never
            read as new content even when its protocol part is missing.

    Returns:
        The body, or the change it makes to another message; ``None`` when it carries nothing to show
        (key distribution, history-sync notices, other protocol messages, reactions without a target).
    """
    # The common cases first: this runs for every message of a history sync.
    if message.HasField("conversation"):
        return Body("text", sanitize.text(message.conversation))
    if message.HasField("extendedTextMessage"):
        extended = message.extendedTextMessage
        return Body("text", sanitize.text(extended.text), reply_to=_quoted_id(extended))
    if message.HasField("protocolMessage"):
        return _protocol(message.protocolMessage)
    if edit_marker in ("1", "7", "8"):
        inner = _wrapped(message, _depth)
        return None if inner is None else parse(inner, message_id, edit_marker=edit_marker, _depth=_depth + 1)
    for field, kind, default_mime in _MEDIA:
        if message.HasField(field):
            return _media(message, field, kind, default_mime, message_id)
    if message.HasField("reactionMessage"):
        reaction = message.reactionMessage
        target = sanitize.message_id(reaction.key.ID, "reaction target")
        if not target:
            return None
        at = reaction.senderTimestampMS if reaction.HasField("senderTimestampMS") else None
        return Reaction(target, sanitize.emoji(reaction.text), at)
    if message.HasField("locationMessage") or message.HasField("liveLocationMessage"):
        location = message.locationMessage if message.HasField("locationMessage") else message.liveLocationMessage
        label = sanitize.name(getattr(location, "name", "")) or sanitize.name(getattr(location, "address", ""))
        text = label or f"{location.degreesLatitude:.6f}, {location.degreesLongitude:.6f}"
        return Body("location", text, reply_to=_quoted_id(location))
    if message.HasField("contactMessage"):
        contact = message.contactMessage
        return Body("contact", sanitize.name(contact.displayName), reply_to=_quoted_id(contact))
    inner = _wrapped(message, _depth)
    if inner is not None:
        return parse(inner, message_id, edit_marker=edit_marker, _depth=_depth + 1)
    if _only_plumbing(message):
        return None
    return Body("unsupported", "")


def _wrapped(message: Any, depth: int) -> Any | None:
    """The message inside a wrapper field of ``message``, if any (bounded nesting)."""
    if depth >= _MAX_WRAPPING:
        return None
    for field in _WRAPPERS:
        if message.HasField(field):
            return getattr(message, field).message
    return None


def _protocol(protocol: Any) -> Parsed | None:
    # proto2 enum: an unset type reads back as REVOKE (0), so presence must be checked.
    if not protocol.HasField("type") or protocol.type not in (ProtocolMessage.REVOKE, ProtocolMessage.MESSAGE_EDIT):
        return None
    target = sanitize.message_id(protocol.key.ID, "change target")
    if not target:
        return None
    if protocol.type == ProtocolMessage.REVOKE:
        return Revoke(target)
    at = protocol.timestampMS if protocol.HasField("timestampMS") else None
    edited = parse(protocol.editedMessage, target)
    new_text = edited.text if isinstance(edited, Body) else sanitize.text(extract_text(protocol.editedMessage))
    return Edit(target, new_text, at)
    return None


def _only_plumbing(message: Any) -> bool:
    """Whether every set field is key material or metadata, not something a person sent."""
    plumbing = {
        "senderKeyDistributionMessage",
        "fastRatchetKeySenderKeyDistributionMessage",
        "messageContextInfo",
    }
    return all(descriptor.name in plumbing for descriptor, _ in message.ListFields())


def _quoted_id(part: Any) -> str | None:
    if not part.HasField("contextInfo"):
        return None
    try:
        return sanitize.message_id(part.contextInfo.stanzaID, "quoted id") or None
    except sanitize.MalformedEvent:
        return None  # the reply is kept, without its quote


def _media(message: Any, field: str, kind: str, default_mime: str, message_id: str) -> Body:
    media = getattr(message, field)
    if field == "audioMessage" and media.PTT:
        kind = "voice"
    mime = sanitize.mime(media.mimetype) or default_mime
    if field == "documentMessage":
        text = sanitize.text(media.caption)
        file_name = sanitize.file_name(media.fileName) or sanitize.file_name(media.title) or f"document-{message_id}"
    else:
        text = sanitize.text(getattr(media, "caption", ""))
        file_name = sanitize.file_name(f"{kind}-{message_id}{_extension(mime)}")
    if field == "stickerMessage":
        thumbnail = sanitize.thumbnail(media.pngThumbnail)
    else:
        thumbnail = sanitize.thumbnail(getattr(media, "JPEGThumbnail", b""))
    attachment = Attachment(
        file_name=file_name,
        mime=mime,
        size=sanitize.size(int(media.fileLength)),
        thumbnail=thumbnail,
        remote_ref=remote_ref(media, field),
    )
    return Body(kind, text, (attachment,), _quoted_id(media))


def _extension(mime: str) -> str:
    base = mime.split(";", 1)[0].strip().lower()
    return _EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ""


def remote_ref(media: Any, field: str) -> str:
    """The JSON reference stored with an attachment to download it later (only what a download needs)."""
    holder = Message()
    part = getattr(holder, field)
    for name, is_text in _download_fields(field):
        if media.HasField(name):
            value = getattr(media, name)
            # proto2 strings holding invalid UTF-8 read back as bytes, which a string field refuses
            setattr(part, name, sanitize.text(value, sanitize.FILE_NAME_LIMIT * 16) if is_text else value)
    payload = base64.b64encode(holder.SerializeToString()).decode("ascii")
    # field names and base64 need no JSON escaping
    return f'{{"v":{REMOTE_REF_VERSION},"field":"{field}","message":"{payload}"}}'


@functools.cache
def _download_fields(field: str) -> tuple[tuple[str, bool], ...]:
    """The download fields present in media ``field``, each with whether it is a ``string``."""
    present = Message.DESCRIPTOR.fields_by_name[field].message_type.fields_by_name
    return tuple(
        (name, present[name].type == FieldDescriptor.TYPE_STRING) for name in _DOWNLOAD_FIELDS if name in present
    )


def message_for_download(ref: str) -> Any:
    """The ``waE2E.Message`` to pass to ``NewAClient.download_any`` for an attachment's ``remote_ref``.

    Raises:
        ValueError: ``ref`` is not a reference written by this module.
    """
    try:
        data = json.loads(ref)
        if data.get("v") != REMOTE_REF_VERSION:
            raise ValueError(f"unknown remote_ref version: {data.get('v')!r}")
        return Message.FromString(base64.b64decode(data["message"]))
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError, DecodeError) as exc:
        raise ValueError("not a WhatsApp media reference") from exc
