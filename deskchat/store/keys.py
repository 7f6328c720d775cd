"""The store key: where it comes from and how it is recorded.

A new store gets 32 random bytes, kept in the OS keyring and applied as a raw SQLCipher key (no key derivation at
open). Where no keyring backend works, the attendant chooses a passphrase and SQLCipher derives the key from it. The
choice is recorded, without any secret, in ``store.json`` beside the store, so a later start knows which source to ask
and can say precisely what went wrong when that source is gone — it never creates a new key for an existing store.

For a raw key the record also holds a key check value (an HMAC of a fixed text under the key, which reveals nothing of
the key), so a key that does not match the record is told apart from a store file that is damaged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import tempfile
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import keyring
import keyring.errors

from deskchat.paths import PRIVATE_FILE_MODE

log = logging.getLogger("deskchat.store")

KEYRING_SERVICE = "DeskChat"


class KeySource(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    EPHEMERAL = "ephemeral"  # demo profiles: the key lives in memory only


class KeyProblem(StrEnum):
    """Why the store cannot be opened; the UI turns each into words for the attendant."""

    NO_KEYRING = "no_keyring"  # new store, no keyring backend: choose a passphrase
    PASSPHRASE_NEEDED = "passphrase_needed"  # existing passphrase store
    RECORD_MISSING = "record_missing"  # store.json is gone
    RECORD_BROKEN = "record_broken"  # store.json cannot be read (not JSON, wrong values, huge, not a regular file)
    KEY_MISSING = "key_missing"  # the keyring no longer has the key (or the backend changed)
    KEY_CORRUPT = "key_corrupt"
    EPHEMERAL_GONE = "ephemeral_gone"  # a demo profile reopened
    WRONG_KEY = "wrong_key"  # the key does not open the store
    STORE_MISSING = "store_missing"  # store.json names a store, but deskchat.db is gone
    STORE_EMPTY = "store_empty"  # store.json names a store, but deskchat.db is empty
    STORE_DAMAGED = "store_damaged"  # the key is right, but the file is damaged


class StoreKeyError(RuntimeError):
    """The store cannot be opened (its key, its record or its file). The store's files are never modified when this
    is raised."""

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

    def check_value(self) -> str:
        """A value that tells whether a raw key is the recorded one without revealing it; "" for a passphrase.

        A passphrase gets none: a fast check of a passphrase would be cheaper to guess against than SQLCipher's own
        key derivation.
        """
        if self.raw is None:
            return ""
        return hmac.new(self.raw, b"DeskChat store key check v1", hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:  # never print a secret
        return f"StoreKey(source={self.source.value})"


#: store.json is a few hundred bytes; anything much bigger is not DeskChat's record.
MAX_RECORD_BYTES = 64 * 1024


@dataclass(frozen=True)
class KeyRecord:
    """What ``store.json`` says about the key (no secret).

    ``ready`` is False from the moment a new store's key is made until its first schema is committed: a record that
    is not ready and has no store data beside it is what an interrupted first start leaves, and may be made again.
    """

    source: KeySource
    keyring_entry: str = ""
    keyring_backend: str = ""
    key_check: str = ""
    ready: bool = True

    @classmethod
    def load(cls, path: Path) -> KeyRecord | None:
        """The record at ``path``; None if there is none.

        Raises:
            StoreKeyError: ``RECORD_BROKEN`` when the file is not a record DeskChat wrote.
        """
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreKeyError(KeyProblem.RECORD_BROKEN, type(exc).__name__) from None
        if not stat.S_ISREG(mode):
            raise StoreKeyError(KeyProblem.RECORD_BROKEN, "not a regular file")
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_RECORD_BYTES + 1)
            if len(raw) > MAX_RECORD_BYTES:
                raise ValueError("too big")
            data = json.loads(raw.decode("utf-8"))
            return cls._from_json(data)
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
            # the reason names no value from the file: it may hold anything
            raise StoreKeyError(KeyProblem.RECORD_BROKEN, type(exc).__name__) from None

    @classmethod
    def _from_json(cls, data: object) -> KeyRecord:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        texts = {name: data.get(name, "") for name in ("keyring_entry", "keyring_backend", "key_check")}
        ready = data.get("ready", True)
        source = data["key_source"]
        if not all(isinstance(text, str) and len(text) <= 1000 for text in texts.values()):
            raise TypeError("a field is not text")
        if not isinstance(ready, bool) or not isinstance(source, str):
            raise TypeError("wrong field type")
        return cls(KeySource(source), ready=ready, **texts)

    def save(self, path: Path) -> None:
        """Write the record (0600) so that a crash leaves the old record or the new one, never half of one."""
        payload = {
            "key_source": self.source.value,
            "keyring_entry": self.keyring_entry,
            "keyring_backend": self.keyring_backend,
            "key_check": self.key_check,
            "ready": self.ready,
        }
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(json.dumps(payload, indent=2) + "\n")
                file.flush()
                os.fsync(file.fileno())
            if os.name == "posix":
                os.chmod(temporary, PRIVATE_FILE_MODE)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def create_key(record_path: Path, *, passphrase: str | None = None, ephemeral: bool = False) -> StoreKey:
    """Make the key of a new store and record its source (as not yet ready: see :class:`KeyRecord`).

    Raises:
        PassphraseRequired: no keyring backend works and no passphrase was given.
    """
    if ephemeral:
        key = StoreKey(KeySource.EPHEMERAL, raw=secrets.token_bytes(32))
        KeyRecord(KeySource.EPHEMERAL, key_check=key.check_value(), ready=False).save(record_path)
        return key
    if passphrase is not None:
        KeyRecord(KeySource.PASSPHRASE, ready=False).save(record_path)
        return StoreKey(KeySource.PASSPHRASE, passphrase=passphrase)
    raw = secrets.token_bytes(32)
    entry = f"store-key-{uuid.uuid4()}"
    try:
        keyring.set_password(KEYRING_SERVICE, entry, raw.hex())
        if keyring.get_password(KEYRING_SERVICE, entry) != raw.hex():
            raise keyring.errors.KeyringError("the keyring did not return the key it was given")
    except keyring.errors.KeyringError as exc:
        log.warning("no usable keyring (%s); asking for a passphrase", type(exc).__name__)
        raise PassphraseRequired(KeyProblem.NO_KEYRING, type(exc).__name__) from exc
    key = StoreKey(KeySource.KEYRING, raw=raw)
    record = KeyRecord(KeySource.KEYRING, entry, _backend_name(), key_check=key.check_value(), ready=False)
    record.save(record_path)
    return key


def mark_ready(record_path: Path, record: KeyRecord, key: StoreKey) -> None:
    """Record that the store opened with ``key``: ready, with the key's check value (added to older records)."""
    done = KeyRecord(record.source, record.keyring_entry, record.keyring_backend, key.check_value(), ready=True)
    if done != record:
        done.save(record_path)


def existing_key(record_path: Path, *, passphrase: str | None = None) -> StoreKey:
    """The key of an existing store, from the source its record names.

    Raises:
        PassphraseRequired: the store is passphrase-protected and no passphrase was given.
        StoreKeyError: the record or the recorded key source is gone or broken; the store is left untouched.
    """
    record = KeyRecord.load(record_path)
    if record is None:
        raise StoreKeyError(KeyProblem.RECORD_MISSING)
    return recorded_key(record, passphrase=passphrase)


def recorded_key(record: KeyRecord, *, passphrase: str | None = None) -> StoreKey:
    """The key ``record`` names, checked against the record's key check value where it has one.

    Raises:
        PassphraseRequired: the store is passphrase-protected and no passphrase was given.
        StoreKeyError: the recorded key source is gone, or gives a key other than the recorded one.
    """
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
        log.error("keyring failed: %s", type(exc).__name__)
    if not hex_key:
        current = _backend_name()
        raise StoreKeyError(KeyProblem.KEY_MISSING, f"recorded backend {record.keyring_backend}, now {current}")
    try:
        raw = bytes.fromhex(hex_key)
    except ValueError as exc:
        raise StoreKeyError(KeyProblem.KEY_CORRUPT) from exc
    key = StoreKey(KeySource.KEYRING, raw=raw)
    if record.key_check and not hmac.compare_digest(record.key_check, key.check_value()):
        raise StoreKeyError(KeyProblem.WRONG_KEY, "the keyring's key is not the recorded one")
    return key
