"""Passwords (scrypt), and opaque access and refresh tokens kept hashed in the database.

A refresh rotates: the old refresh token dies and a new pair is issued in the same family. Revoking a refresh
token, or presenting one that was already rotated away (a stolen copy), ends the whole family.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from deskchat.crm.server.database import now_ms
from deskchat.crm.server.schema import attendants, tokens

ACCESS = "access"
REFRESH = "refresh"


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        _scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    candidate = hash_password(password, bytes.fromhex(salt_hex)).split("$")[2]
    return hmac.compare_digest(candidate, digest_hex)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    attendant_id: str

    def as_json(self) -> dict[str, object]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_expires_in": self.refresh_expires_in,
            "attendant_id": self.attendant_id,
        }


def attendant_for_login(conn: Connection, login: str, password: str) -> str | None:
    row = conn.execute(
        select(attendants.c.id, attendants.c.password_hash, attendants.c.active).where(attendants.c.login == login)
    ).first()
    if row is None or not row.active or not password_matches(password, row.password_hash):
        return None
    return str(row.id)


def issue_pair(
    conn: Connection, attendant_id: str, access_ttl: int, refresh_ttl: int, family: str | None = None
) -> TokenPair:
    family = family or secrets.token_hex(16)
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = now_ms()
    conn.execute(
        insert(tokens),
        [
            {
                "token_hash": _digest(access),
                "kind": ACCESS,
                "attendant_id": attendant_id,
                "family": family,
                "expires_at": now + access_ttl * 1000,
                "revoked": False,
            },
            {
                "token_hash": _digest(refresh),
                "kind": REFRESH,
                "attendant_id": attendant_id,
                "family": family,
                "expires_at": now + refresh_ttl * 1000,
                "revoked": False,
            },
        ],
    )
    return TokenPair(access, refresh, access_ttl, refresh_ttl, attendant_id)


def _live_row(conn: Connection, token: str, kind: str) -> tuple[str, str, bool] | None:
    row = conn.execute(
        select(tokens.c.attendant_id, tokens.c.family, tokens.c.revoked, tokens.c.expires_at).where(
            tokens.c.token_hash == _digest(token), tokens.c.kind == kind
        )
    ).first()
    if row is None or row.expires_at <= now_ms():
        return None
    return str(row.attendant_id), str(row.family), bool(row.revoked)


def attendant_for_access(conn: Connection, token: str) -> str | None:
    found = _live_row(conn, token, ACCESS)
    if found is None or found[2]:
        return None
    return found[0]


def revoke_family(conn: Connection, family: str) -> None:
    conn.execute(update(tokens).where(tokens.c.family == family).values(revoked=True))


def rotate(conn: Connection, refresh_token: str, access_ttl: int, refresh_ttl: int) -> TokenPair | None:
    found = _live_row(conn, refresh_token, REFRESH)
    if found is None:
        return None
    attendant_id, family, revoked = found
    if revoked:
        revoke_family(conn, family)  # a rotated-away refresh token came back: treat the family as stolen
        return None
    # Only one of two concurrent refreshes with the same token wins the row.
    claimed = conn.execute(
        update(tokens)
        .where(tokens.c.token_hash == _digest(refresh_token), tokens.c.revoked.is_(False))
        .values(revoked=True)
    ).rowcount
    if claimed != 1:
        return None
    return issue_pair(conn, attendant_id, access_ttl, refresh_ttl, family)


def revoke(conn: Connection, token: str) -> None:
    row = conn.execute(select(tokens.c.kind, tokens.c.family).where(tokens.c.token_hash == _digest(token))).first()
    if row is None:
        return
    if row.kind == REFRESH:
        revoke_family(conn, str(row.family))
    else:
        conn.execute(update(tokens).where(tokens.c.token_hash == _digest(token)).values(revoked=True))
