"""The store key: where it comes from and how it is recorded.

A new store gets 32 random bytes, kept in the OS keyring and applied as a raw SQLCipher key (no key derivation at
open). Where no keyring backend works, the attendant chooses a passphrase and SQLCipher derives the key from it. The
choice is recorded, without any secret, in ``store.json`` beside the store, so a later start knows which source to ask
and can say precisely what went wrong when that source is gone — it never creates a new key for an existing store.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import keyring
import keyring.errors

from deskchat.paths import make_private_file

log = logging.getLogger("deskchat.store")

KEYRING_SERVICE = "DeskChat"


class KeySource(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    EPHEMERAL = "ephemeral"  # demo profiles: the key lives in memory only


class KeyProblem(StrEnum):
    """Why a key could not be had; the UI turns each into words for the attendant."""

    NO_KEYRING = "no_keyring"  # new store, no keyring backend: choose a passphrase
    PASSPHRASE_NEEDED = "passphrase_needed"  # existing passphrase store
    RECORD_MISSING = "record_missing"  # store.json is gone
    KEY_MISSING = "key_missing"  # the keyring no longer has the key (or the backend changed)
    KEY_CORRUPT = "key_corrupt"
    EPHEMERAL_GONE = "ephemeral_gone"  # a demo profile reopened
    WRONG_KEY = "wrong_key"  # the key does not open the store


class StoreKeyError(RuntimeError):
    """The store's key could not be had or does not open it. The store is never modified when this is raised."""

    def __init__(self, problem: KeyProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail


class PassphraseRequired(StoreKeyError):
    """The caller must ask the attendant for the passphrase and open again with it."""

    @property
    def new_store(self) -> bool:
        return self.problem is KeyProblem.NO_KEYRING


@dataclass(frozen=True)
class StoreKey:
    """A key ready for ``PRAGMA key``: a raw 32-byte key or a passphrase for SQLCipher to derive from."""

    source: KeySource
    raw: bytes | None = None
    passphrase: str | None = None

    def pragma_value(self) -> str:
        """The value of ``PRAGMA key`` (without quoting): ``x'<hex>'`` for a raw key, the passphrase otherwise."""
        if self.raw is not None:
            return f"x'{self.raw.hex()}'"
        assert self.passphrase is not None
        return self.passphrase

    def __repr__(self) -> str:  # never print a secret
        return f"StoreKey(source={self.source.value})"


@dataclass(frozen=True)
class KeyRecord:
    """What ``store.json`` says about the key (no secret)."""

    source: KeySource
    keyring_entry: str = ""
    keyring_backend: str = ""

    @classmethod
    def load(cls, path: Path) -> KeyRecord | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            source=KeySource(data["key_source"]),
            keyring_entry=data.get("keyring_entry", ""),
            keyring_backend=data.get("keyring_backend", ""),
        )

    def save(self, path: Path) -> None:
        make_private_file(path)
        payload = {
            "key_source": self.source.value,
            "keyring_entry": self.keyring_entry,
            "keyring_backend": self.keyring_backend,
        }
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def create_key(record_path: Path, *, passphrase: str | None = None, ephemeral: bool = False) -> StoreKey:
    """Make the key of a new store and record its source.

    Raises:
        PassphraseRequired: no keyring backend works and no passphrase was given.
    """
    if ephemeral:
        KeyRecord(KeySource.EPHEMERAL).save(record_path)
        return StoreKey(KeySource.EPHEMERAL, raw=secrets.token_bytes(32))
    if passphrase is not None:
        KeyRecord(KeySource.PASSPHRASE).save(record_path)
        return StoreKey(KeySource.PASSPHRASE, passphrase=passphrase)
    raw = secrets.token_bytes(32)
    entry = f"store-key-{uuid.uuid4()}"
    try:
        keyring.set_password(KEYRING_SERVICE, entry, raw.hex())
        if keyring.get_password(KEYRING_SERVICE, entry) != raw.hex():
            raise keyring.errors.KeyringError("the keyring did not return the key it was given")
    except keyring.errors.KeyringError as exc:
        log.warning("no usable keyring (%s); asking for a passphrase", exc)
        raise PassphraseRequired(KeyProblem.NO_KEYRING, f"{type(exc).__name__}: {exc}") from exc
    KeyRecord(KeySource.KEYRING, keyring_entry=entry, keyring_backend=_backend_name()).save(record_path)
    return StoreKey(KeySource.KEYRING, raw=raw)


def existing_key(record_path: Path, *, passphrase: str | None = None) -> StoreKey:
    """The key of an existing store, from the source its record names.

    Raises:
        PassphraseRequired: the store is passphrase-protected and no passphrase was given.
        StoreKeyError: the recorded key source is gone; the store is left untouched.
    """
    record = KeyRecord.load(record_path)
    if record is None:
        raise StoreKeyError(KeyProblem.RECORD_MISSING, str(record_path))
    if record.source is KeySource.PASSPHRASE:
        if passphrase is None:
            raise PassphraseRequired(KeyProblem.PASSPHRASE_NEEDED)
        return StoreKey(KeySource.PASSPHRASE, passphrase=passphrase)
    if record.source is KeySource.EPHEMERAL:
        raise StoreKeyError(KeyProblem.EPHEMERAL_GONE)
    try:
        hex_key = keyring.get_password(KEYRING_SERVICE, record.keyring_entry)
    except keyring.errors.KeyringError as exc:
        hex_key = None
        log.error("keyring failed: %s", exc)
    if not hex_key:
        current = _backend_name()
        raise StoreKeyError(KeyProblem.KEY_MISSING, f"recorded backend {record.keyring_backend}, now {current}")
    try:
        raw = bytes.fromhex(hex_key)
    except ValueError as exc:
        raise StoreKeyError(KeyProblem.KEY_CORRUPT) from exc
    return StoreKey(KeySource.KEYRING, raw=raw)
