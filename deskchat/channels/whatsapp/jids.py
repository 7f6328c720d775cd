"""WhatsApp addresses: JIDs as small values, the chat key of a conversation, and who a customer is.

A customer reaches us under several addresses: a phone-number JID (``5511987654321@s.whatsapp.net``, or the pre-2016
Brazilian form without the 9th digit, ``551187654321@s.whatsapp.net``) and a LID (``123456789012345@lid``) that hides
the number. DeskChat keys things so that all of them land in one place:

* **Chat key** of a 1:1 conversation: the phone-number JID in its *canonical* form (a Brazilian mobile always with the
  9th digit), e.g. ``5511987654321@s.whatsapp.net``, whichever form WhatsApp used on the wire. When only a LID is
  known the key is the LID JID; once the number is learnt later the app re-keys the conversation (see
  :class:`deskchat.channels.whatsapp.translate.IdentityLink`). Groups are keyed by their ``…@g.us`` JID.
  The real JID to send to is resolved by the adapter (``is_on_whatsapp``), never derived from the key.
* **Identities** of a customer: ``phone`` (E.164, matched with and without the 9th digit by the store), ``wa_pn``
  (user part of the phone-number JID as WhatsApp sent it) and ``wa_lid`` (user part of the LID).
  A group is one contact with the identity ``wa_group`` (its JID).

This module imports no neonize code; JID protos are read through their ``User``/``Server`` attributes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from deskchat.channels.whatsapp.sanitize import MalformedEvent
from deskchat.core.identity import normalize_phone, phone_variants
from deskchat.core.messages import Identity, IdentityKind

PN_SERVER: Final = "s.whatsapp.net"
LID_SERVER: Final = "lid"
GROUP_SERVER: Final = "g.us"
BROADCAST_SERVER: Final = "broadcast"
NEWSLETTER_SERVER: Final = "newsletter"

#: Identity kind of a group conversation's contact (the store's kind column is free text).
WA_GROUP: Final = "wa_group"

_PN_SERVERS: Final = frozenset({PN_SERVER, "c.us", "hosted"})
_LID_SERVERS: Final = frozenset({LID_SERVER, "hosted.lid"})
#: Servers whatsmeow knows (``types/jid.go``); a JID naming any other is malformed.
_KNOWN_SERVERS: Final = (
    _PN_SERVERS
    | _LID_SERVERS
    | {
        GROUP_SERVER,
        BROADCAST_SERVER,
        NEWSLETTER_SERVER,
        "msgr",
        "interop",
        "bot",
        "call",
    }
)
#: Longer users are not WhatsApp's (numbers have at most 15 digits, group ids about 30 characters).
USER_LIMIT: Final = 64

AddressKind = Literal["pn", "lid", "group", "broadcast", "other"]


@dataclass(frozen=True, slots=True)
class Address:
    """A JID without agent and device: ``user@server``."""

    user: str
    server: str

    @property
    def kind(self) -> AddressKind:
        if self.server in _PN_SERVERS and self.user.isdigit():
            return "pn"
        if self.server in _LID_SERVERS:
            return "lid"
        if self.server == GROUP_SERVER:
            return "group"
        if self.server == BROADCAST_SERVER:
            return "broadcast"
        return "other"

    def __str__(self) -> str:
        return f"{self.user}@{self.server}" if self.user else self.server


def _well_formed(user: str, server: str) -> bool:
    """Whether ``user@server`` is a JID whatsmeow could have produced (non-empty user, known server, sane length)."""
    if server not in _KNOWN_SERVERS or not user or len(user) > USER_LIMIT or not user.isprintable():
        return False
    if server in _PN_SERVERS or server in _LID_SERVERS:
        return user.isdigit()
    if server == GROUP_SERVER:
        return user.replace("-", "", 1).isdigit()
    return " " not in user and "@" not in user


def parse_jid(text: str) -> Address | None:
    """``user[.agent][:device]@server`` → :class:`Address`; ``None`` for an empty or malformed string."""
    if not isinstance(text, str) or len(text) > 2 * USER_LIMIT:
        return None
    user, at, server = text.strip().partition("@")
    if not at or not server:
        return None
    user = user.split(":", 1)[0].split(".", 1)[0]
    server = server.lower()
    return Address(user, server) if _well_formed(user, server) else None


def from_proto(jid: Any, what: str = "JID") -> Address | None:
    """A neonize ``JID`` proto → :class:`Address` (device dropped); ``None`` when the JID is empty (unset).

    Raises:
        MalformedEvent: the JID is set but malformed (empty user, unknown server, absurd length, not text).
    """
    user = jid.User
    server = jid.Server
    if not user and not server:
        return None
    if not isinstance(user, str) or not isinstance(server, str) or not _well_formed(user, server):
        raise MalformedEvent(f"malformed {what}")
    return Address(user, server)


@functools.lru_cache(maxsize=8192)
def canonical_pn_user(user: str) -> str:
    """The canonical user part of a phone-number JID: a Brazilian mobile always carries the 9th digit."""
    e164 = normalize_phone(f"{user}@{PN_SERVER}")
    if e164 is None:
        return user
    return max(phone_variants(e164), key=len)[1:]


def chat_key_for_pn(user: str) -> str:
    """Chat key of the 1:1 conversation with the phone-number JID user ``user``."""
    return f"{canonical_pn_user(user)}@{PN_SERVER}"


def chat_key_for_phone(e164: str) -> str:
    """Chat key of the 1:1 conversation with a typed number in E.164 form (for conversations started by us)."""
    return chat_key_for_pn(e164.lstrip("+"))


def chat_key_for_lid(user: str) -> str:
    return f"{user}@{LID_SERVER}"


@functools.lru_cache(maxsize=8192)
def identities(pn_user: str | None, lid_user: str | None) -> tuple[Identity, ...]:
    """The identities of a person known by a phone-number JID user and/or a LID user."""
    found: list[Identity] = []
    if pn_user:
        e164 = normalize_phone(f"{pn_user}@{PN_SERVER}")
        if e164 is not None:
            found.append(Identity(IdentityKind.PHONE, e164))
        found.append(Identity(IdentityKind.WA_PN, pn_user))
    if lid_user:
        found.append(Identity(IdentityKind.WA_LID, lid_user))
    return tuple(found)


def group_identities(group: Address) -> tuple[Identity, ...]:
    return (Identity(WA_GROUP, str(group)),)


@dataclass(frozen=True, slots=True)
class Peer:
    """The other side of a 1:1 chat as far as it is known."""

    pn_user: str | None
    lid_user: str | None

    @property
    def chat_key(self) -> str:
        if self.pn_user:
            return chat_key_for_pn(self.pn_user)
        assert self.lid_user
        return chat_key_for_lid(self.lid_user)

    @property
    def identities(self) -> tuple[Identity, ...]:
        return identities(self.pn_user, self.lid_user)


def peer_of(addresses: list[Address | None], pn_for_lid: Mapping[str, str] | None = None) -> Peer | None:
    """Combine the addresses WhatsApp gave for one person (chat JID, sender, alternate JID) into a :class:`Peer`.

    ``pn_for_lid`` fills in the number of a LID learnt earlier. ``None`` when no address is a person.
    """
    pn_user: str | None = None
    lid_user: str | None = None
    for address in addresses:
        if address is None:
            continue
        kind = address.kind
        if kind == "pn" and pn_user is None:
            pn_user = address.user
        elif kind == "lid" and lid_user is None:
            lid_user = address.user
    if pn_user is None and lid_user is not None and pn_for_lid:
        pn_user = pn_for_lid.get(lid_user)
    if pn_user is None and lid_user is None:
        return None
    return Peer(pn_user, lid_user)
