"""Contacts and their identities: one person, many addresses.

Phone identities are stored in canonical form (:func:`deskchat.core.identity.normalize_phone`: a Brazilian mobile
always with the 9th digit); a number that cannot exist is not stored. Lookups also try the legacy 8-digit form, which
rows written before canonical forms may hold. When identities given together turn out to belong to several contacts,
those contacts are one person: they are merged (:mod:`deskchat.store.merges`) into one, unless the attendant split
them before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from deskchat.core.identity import normalize_phone, phone_variants
from deskchat.core.messages import Identity, IdentityKind
from deskchat.store import merges
from deskchat.store.schema import contact_identities, contacts


def canonical_identity(identity: Identity) -> Identity | None:
    """``identity`` as stored: a phone in its one E.164 form; ``None`` for a phone number that cannot exist."""
    if identity.kind != IdentityKind.PHONE:
        return identity
    e164 = normalize_phone(identity.value)
    return None if e164 is None else Identity(IdentityKind.PHONE, e164)


def canonical_identities(identities: Iterable[Identity]) -> list[Identity]:
    found = (canonical_identity(identity) for identity in identities)
    return list(dict.fromkeys(identity for identity in found if identity is not None))


def _lookup_values(identity: Identity) -> list[str]:
    if identity.kind == IdentityKind.PHONE:
        return sorted(phone_variants(identity.value))
    return [identity.value]


# Contact resolution runs once per new conversation in every ingest, so it uses plain prepared SQL.
_FIND_BY_IDENTITY = "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ? LIMIT 1"
_ADD_IDENTITY = "INSERT OR IGNORE INTO contact_identities (contact_id, kind, value) VALUES (?, ?, ?)"
_NEW_CONTACT = "INSERT INTO contacts (display_name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id"
_NAME_IF_EMPTY = "UPDATE contacts SET display_name = ?, updated_at = ? WHERE id = ? AND display_name = ''"
_OWNS_PHONE = "SELECT 1 FROM contact_identities WHERE contact_id = ? AND kind IN ('phone', 'wa_pn') LIMIT 1"


def owners(conn: Connection, identities: Iterable[Identity]) -> dict[int, str]:
    """Contacts owning any of ``identities``, in the order found, each with the kind of its first matching identity."""
    found: dict[int, str] = {}
    for identity in canonical_identities(identities):
        for value in _lookup_values(identity):
            owner = conn.exec_driver_sql(_FIND_BY_IDENTITY, (identity.kind, value)).scalar()
            if owner is not None:
                found.setdefault(int(owner), identity.kind)
    return found


def find_contact(conn: Connection, identities: Iterable[Identity]) -> int | None:
    """The contact that owns any of ``identities`` (phones match with and without the Brazilian 9th digit)."""
    return next(iter(owners(conn, identities)), None)


def add_identities(conn: Connection, contact_id: int, identities: Iterable[Identity]) -> None:
    """Attach identities (phones in canonical form) to a contact; ones anyone already has are left alone."""
    rows = [(contact_id, identity.kind, identity.value) for identity in canonical_identities(identities)]
    if rows:
        conn.exec_driver_sql(_ADD_IDENTITY, rows)


def choose_kept(conn: Connection, candidates: Sequence[int]) -> int:
    """Which of several contacts of one person survives a merge: the one with a CRM client record, else one reached
    by phone number (not only by a LID), else the oldest."""

    def rank(contact_id: int) -> tuple[bool, bool, int]:
        has_client = merges.client_id_of(conn, contact_id) is not None
        has_phone = conn.exec_driver_sql(_OWNS_PHONE, (contact_id,)).scalar() is not None
        return (not has_client, not has_phone, contact_id)

    return min(candidates, key=rank)


def resolve_person(
    conn: Connection, identities: Sequence[Identity], display_name: str = "", *, now: int, fold_chats: bool = False
) -> int:
    """The one contact of the person known by ``identities``: found (several found are merged into one), or
    created; the identities it lacks are added. See :func:`deskchat.store.merges.merge_contacts` for ``fold_chats``.
    """
    found = owners(conn, identities)
    if not found:
        contact_id = int(conn.exec_driver_sql(_NEW_CONTACT, (display_name, now, now)).scalar_one())
    else:
        contact_id = choose_kept(conn, list(found))
        for other, matched_by in found.items():
            if other != contact_id and not merges.was_split(conn, contact_id, other):
                merges.merge_contacts(conn, contact_id, other, matched_by, now=now, fold_chats=fold_chats)
        if display_name:
            conn.exec_driver_sql(_NAME_IF_EMPTY, (display_name, now, contact_id))
    add_identities(conn, contact_id, identities)
    return contact_id


def find_or_create_contact(conn: Connection, identities: list[Identity], display_name: str = "", *, now: int) -> int:
    """The contact owning any of ``identities``, created if none does; identities it lacks are added. Contacts found
    to be the same person are merged (conversations are not folded: callers may hold their ids)."""
    return resolve_person(conn, identities, display_name, now=now)


def identities_of(conn: Connection, contact_id: int) -> list[Identity]:
    rows = conn.execute(
        select(contact_identities.c.kind, contact_identities.c.value)
        .where(contact_identities.c.contact_id == contact_id)
        .order_by(contact_identities.c.kind, contact_identities.c.id)
    )
    return [Identity(kind, value) for kind, value in rows]


def contact_name(conn: Connection, contact_id: int) -> str:
    return str(conn.execute(select(contacts.c.display_name).where(contacts.c.id == contact_id)).scalar_one())
