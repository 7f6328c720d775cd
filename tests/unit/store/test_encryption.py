"""The store is encrypted at rest, its key is kept safe, and a bad key never damages it."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import keyring.errors
import pytest

from deskchat.core.events import DeliveryState
from deskchat.paths import Profile
from deskchat.store import accounts, contacts, conversations, messages
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.keys import KeyProblem, PassphraseRequired, StoreKeyError
from deskchat.store.messages import NewMessage

SECRET_TEXT = "Pedido confidencial 7788-XYZ do cliente Joaquim Barbosa"


def _store_secret_message(store: Store) -> None:
    def work(conn):  # type: ignore[no-untyped-def]
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        contact = contacts.find_or_create_contact(
            conn, [contacts.Identity("phone", "+5511987654321")], "Joaquim", now=now_ms()
        )
        conversation = conversations.find_or_create_conversation(
            conn, account, "5511987654321@s.whatsapp.net", contact, "Joaquim", now=now_ms()
        )
        messages.add_message(
            conn,
            NewMessage(conversation, account, "MSG1", False, SECRET_TEXT, 1_700_000_000_000, DeliveryState.RECEIVED),
            now=now_ms(),
        )

    store.write_now(work)


def _all_bytes(profile: Profile) -> bytes:
    return b"".join(path.read_bytes() for path in profile.root.rglob("*") if path.is_file())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_store_files_contain_no_plaintext_of_a_message(profile: Profile) -> None:
    store = Store.open(profile)
    _store_secret_message(store)
    # while open (WAL not yet checkpointed) and after close
    for phrase in (b"confidencial", b"Joaquim", SECRET_TEXT.encode()):
        assert phrase not in _all_bytes(profile)
    store.close()
    data = _all_bytes(profile)
    for phrase in (b"confidencial", b"Joaquim", b"SQLite format 3", b"5511987654321"):
        assert phrase not in data
    reopened = Store.open(profile)
    with reopened.read() as conn:
        row = messages.find_by_channel_id(conn, 1, "MSG1")
    reopened.close()
    assert row is not None and row.text == SECRET_TEXT


def test_the_key_is_kept_in_the_keyring_not_on_disk(profile: Profile, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    Store.open(profile).close()
    (hex_key,) = memory_keyring.entries.values()
    assert len(bytes.fromhex(hex_key)) == 32
    assert hex_key.encode() not in _all_bytes(profile)
    assert bytes.fromhex(hex_key) not in _all_bytes(profile)


def test_wrong_key_is_refused_without_damage(profile: Profile, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(profile)
    _store_secret_message(store)
    store.close()
    before = _digest(profile.store_file)
    (entry,) = memory_keyring.entries
    memory_keyring.entries[entry] = "11" * 32
    with pytest.raises(StoreKeyError) as refused:
        Store.open(profile)
    assert refused.value.problem is KeyProblem.WRONG_KEY
    assert profile.store_file.exists() and _digest(profile.store_file) == before


def test_missing_key_is_refused_and_no_new_key_is_made(profile: Profile, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    Store.open(profile).close()
    before = _digest(profile.store_file)
    memory_keyring.entries.clear()
    with pytest.raises(StoreKeyError) as refused:
        Store.open(profile)
    assert refused.value.problem is KeyProblem.KEY_MISSING
    assert memory_keyring.entries == {}
    assert _digest(profile.store_file) == before


def test_missing_key_record_is_refused(profile: Profile) -> None:
    Store.open(profile).close()
    profile.store_meta_file.unlink()
    with pytest.raises(StoreKeyError) as refused:
        Store.open(profile)
    assert refused.value.problem is KeyProblem.RECORD_MISSING
    assert profile.store_file.stat().st_size > 0


class BrokenKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")


def test_without_keyring_a_passphrase_protects_the_store(profile: Profile) -> None:
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(PassphraseRequired) as asked:
        Store.open(profile)
    assert asked.value.new_store
    store = Store.open(profile, passphrase="correct horse battery")
    _store_secret_message(store)
    store.close()
    assert b"confidencial" not in _all_bytes(profile)
    with pytest.raises(PassphraseRequired) as again:
        Store.open(profile)
    assert not again.value.new_store
    with pytest.raises(StoreKeyError) as wrong:
        Store.open(profile, passphrase="wrong horse")
    assert wrong.value.problem is KeyProblem.WRONG_KEY
    reopened = Store.open(profile, passphrase="correct horse battery")
    with reopened.read() as conn:
        assert messages.find_by_channel_id(conn, 1, "MSG1") is not None
    reopened.close()


def test_profile_is_private(profile: Profile) -> None:
    store = Store.open(profile)
    _store_secret_message(store)
    assert stat.S_IMODE(profile.root.stat().st_mode) == 0o700
    for path in profile.root.iterdir():
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    store.close()
