"""Contacts and their identities: one person, many addresses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from deskchat.core.identity import phone_variants
from deskchat.store.clock import now_ms
from deskchat.store.rows import inserted_id
from deskchat.store.schema import contact_identities, contacts


class IdentityKind:
    PHONE = "phone"  # E.164
    WA_PN = "wa_pn"  # WhatsApp phone-number JID (user part, digits)
    WA_LID = "wa_lid"  # WhatsApp LID (user part)
    EMAIL = "email"
    CRM = "crm"


@dataclass(frozen=True)
class Identity:
    kind: str
    value: str


def _lookup_values(identity: Identity) -> list[str]:
    if identity.kind == IdentityKind.PHONE:
        return sorted(phone_variants(identity.value))
    return [identity.value]


def find_contact(conn: Connection, identities: Iterable[Identity]) -> int | None:
    """The contact that owns any of ``identities`` (phones match with and without the Brazilian 9th digit)."""
    for identity in identities:
        row = conn.execute(
            select(contact_identities.c.contact_id)
            .where(contact_identities.c.kind == identity.kind)
            .where(contact_identities.c.value.in_(_lookup_values(identity)))
            .limit(1)
        ).first()
        if row is not None:
            return int(row[0])
    return None


def add_identities(conn: Connection, contact_id: int, identities: Iterable[Identity]) -> None:
    """Attach identities to a contact; ones it (or anyone) already has are left alone."""
    for identity in identities:
        conn.execute(
            insert(contact_identities)
            .prefix_with("OR IGNORE")
            .values(contact_id=contact_id, kind=identity.kind, value=identity.value)
        )


def find_or_create_contact(conn: Connection, identities: list[Identity], display_name: str = "") -> int:
    """The contact owning any of ``identities``, created if none does; identities it lacks are added."""
    contact_id = find_contact(conn, identities)
    now = now_ms()
    if contact_id is None:
        contact_id = inserted_id(conn.execute(
                insert(contacts).values(display_name=display_name, created_at=now, updated_at=now)
            ))
    elif display_name:
        conn.execute(
            update(contacts)
            .where(contacts.c.id == contact_id)
            .where(contacts.c.display_name == "")
            .values(display_name=display_name, updated_at=now)
        )
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
