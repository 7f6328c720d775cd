"""Contacts and their identities: one person, many addresses."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from deskchat.core.identity import phone_variants
from deskchat.core.messages import Identity, IdentityKind
from deskchat.store.schema import contact_identities, contacts


def _lookup_values(identity: Identity) -> list[str]:
    if identity.kind == IdentityKind.PHONE:
        return sorted(phone_variants(identity.value))
    return [identity.value]


# Contact resolution runs once per new conversation in every ingest, so it uses plain prepared SQL.
_FIND_BY_IDENTITY = "SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ? LIMIT 1"
_ADD_IDENTITY = "INSERT OR IGNORE INTO contact_identities (contact_id, kind, value) VALUES (?, ?, ?)"
_NEW_CONTACT = "INSERT INTO contacts (display_name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id"
_NAME_IF_EMPTY = "UPDATE contacts SET display_name = ?, updated_at = ? WHERE id = ? AND display_name = ''"


def find_contact(conn: Connection, identities: Iterable[Identity]) -> int | None:
    """The contact that owns any of ``identities`` (phones match with and without the Brazilian 9th digit)."""
    for identity in identities:
        for value in _lookup_values(identity):
            found = conn.exec_driver_sql(_FIND_BY_IDENTITY, (identity.kind, value)).scalar()
            if found is not None:
                return int(found)
    return None


def add_identities(conn: Connection, contact_id: int, identities: Iterable[Identity]) -> None:
    """Attach identities to a contact; ones it (or anyone) already has are left alone."""
    conn.exec_driver_sql(_ADD_IDENTITY, [(contact_id, identity.kind, identity.value) for identity in identities])


def find_or_create_contact(conn: Connection, identities: list[Identity], display_name: str = "", *, now: int) -> int:
    """The contact owning any of ``identities``, created if none does; identities it lacks are added."""
    contact_id = find_contact(conn, identities)
    if contact_id is None:
        contact_id = int(conn.exec_driver_sql(_NEW_CONTACT, (display_name, now, now)).scalar_one())
    elif display_name:
        conn.exec_driver_sql(_NAME_IF_EMPTY, (display_name, now, contact_id))
    if identities:
        add_identities(conn, contact_id, identities)
    return contact_id


def identities_of(conn: Connection, contact_id: int) -> list[Identity]:
    rows = conn.execute(
        select(contact_identities.c.kind, contact_identities.c.value)
        .where(contact_identities.c.contact_id == contact_id)
        .order_by(contact_identities.c.kind, contact_identities.c.id)
    )
    return [Identity(kind, value) for kind, value in rows]


def contact_name(conn: Connection, contact_id: int) -> str:
    return str(conn.execute(select(contacts.c.display_name).where(contacts.c.id == contact_id)).scalar_one())
