"""A damaged, missing or emptied store is refused with its own reason, and every file of it is kept byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from deskchat.core.events import DeliveryState
from deskchat.paths import Profile
from deskchat.store import accounts, contacts, conversations, messages, store_files
from deskchat.store.clock import now_ms
from deskchat.store.database import Store
from deskchat.store.keys import KeyProblem, StoreKeyError
from deskchat.store.messages import NewMessage

PAGE = 4096


def _store_messages(store: Store, count: int = 300) -> None:
    def work(conn):  # type: ignore[no-untyped-def]
        account = accounts.create_account(conn, "whatsapp", "Comercial", now=now_ms())
        contact = contacts.find_or_create_contact(
            conn, [contacts.Identity("phone", "+5511987654321")], "Joaquim", now=now_ms()
        )
        conversation = conversations.find_or_create_conversation(
            conn, account, "5511987654321@s.whatsapp.net", contact, "Joaquim", now=now_ms()
        )
        for number in range(count):
            messages.add_message(
                conn,
                NewMessage(
                    conversation,
                    account,
                    f"MSG{number}",
                    False,
                    f"mensagem {number} " * 20,
                    1_700_000_000_000 + number,
                    DeliveryState.RECEIVED,
                ),
                now=now_ms(),
            )

    store.write_now(work)


def _hashes(profile: Profile) -> dict[str, str]:
    return {
        str(path.relative_to(profile.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(profile.root.rglob("*"))
        if path.is_file() and path.parent == profile.root
    }


def _refused(profile: Profile, passphrase: str | None = None) -> KeyProblem:
    """Open the store, expecting a refusal that changes no file, and return its reason."""
    before = _hashes(profile)
    with pytest.raises(StoreKeyError) as refused:
        Store.open(profile, passphrase=passphrase)
    assert _hashes(profile) == before, "a refused store must keep every file as it was"
    return refused.value.problem


def _closed_store(profile: Profile, passphrase: str | None = None) -> None:
    store = Store.open(profile, passphrase=passphrase)
    _store_messages(store)
    store.close()


def _crashed_store(profile: Profile, tmp_path: Path) -> None:
    """A profile as a crash leaves it: messages committed to the WAL, not yet in deskchat.db."""
    store = Store.open(profile)
    _store_messages(store)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(profile.root, snapshot)
    store.close()
    shutil.rmtree(profile.root)
    shutil.move(snapshot, profile.root)
    wal = profile.root / "deskchat.db-wal"
    assert wal.stat().st_size > 0


def _page_open_does_not_read(profile: Profile) -> int:
    """The index of a page that opening the store does not read: the messages table's root (the middle of the file
    may hold a page of the schema, which every open reads, depending on how many tables the schema has)."""
    store = Store.open(profile)
    with store.read() as conn:
        root = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'messages'").scalar_one()
    store.close()
    return int(root) - 1


def _flip_byte(path: Path, offset: int) -> None:
    with path.open("r+b") as file:
        file.seek(offset)
        value = file.read(1)[0]
        file.seek(offset)
        file.write(bytes([value ^ 0x01]))


def test_missing_store_file_with_a_key_record_is_refused(profile: Profile, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    _closed_store(profile)
    keys_before = dict(memory_keyring.entries)
    profile.store_file.unlink()
    assert _refused(profile) is KeyProblem.STORE_MISSING
    assert memory_keyring.entries == keys_before, "no new key is made"
    assert not profile.store_file.exists(), "no new store is made in its place"


def test_empty_store_file_with_a_key_record_is_refused(profile: Profile) -> None:
    _closed_store(profile)
    profile.store_file.write_bytes(b"")
    assert _refused(profile) is KeyProblem.STORE_EMPTY
    assert profile.store_file.stat().st_size == 0


@pytest.mark.parametrize("loss", ["missing", "empty"])
def test_a_leftover_wal_is_kept_when_the_store_file_is_lost(profile: Profile, tmp_path: Path, loss: str) -> None:
    _crashed_store(profile, tmp_path)
    if loss == "missing":
        profile.store_file.unlink()
    else:
        profile.store_file.write_bytes(b"")
    wal_and_shm = {name: digest for name, digest in _hashes(profile).items() if name.endswith(("-wal", "-shm"))}
    assert len(wal_and_shm) == 2
    expected = KeyProblem.STORE_MISSING if loss == "missing" else KeyProblem.STORE_EMPTY
    assert _refused(profile) is expected
    assert {name: _hashes(profile)[name] for name in wal_and_shm} == wal_and_shm


def test_a_leftover_wal_without_any_record_is_refused(profile: Profile, tmp_path: Path) -> None:
    _crashed_store(profile, tmp_path)
    profile.store_file.unlink()
    profile.store_meta_file.unlink()
    assert _refused(profile) is KeyProblem.RECORD_MISSING


def test_a_crashed_store_still_opens_with_every_message(profile: Profile, tmp_path: Path) -> None:
    _crashed_store(profile, tmp_path)
    store = Store.open(profile)
    with store.read() as conn:
        assert messages.find_by_channel_id(conn, 1, "MSG299") is not None
    store.close()


def test_a_first_start_interrupted_before_anything_was_stored_starts_again(profile: Profile) -> None:
    Store.open(profile).close()
    record = json.loads(profile.store_meta_file.read_text())
    record["ready"] = False  # as create_key leaves it until the first schema is committed
    profile.store_meta_file.write_text(json.dumps(record))
    profile.store_file.write_bytes(b"")
    store = Store.open(profile)
    _store_messages(store, 1)
    store.close()
    assert json.loads(profile.store_meta_file.read_text())["ready"] is True


def test_a_flipped_byte_in_page_one_is_damage_not_a_wrong_key(profile: Profile) -> None:
    _closed_store(profile)
    _flip_byte(profile.store_file, 100)
    assert _refused(profile) is KeyProblem.STORE_DAMAGED


def test_page_one_damage_is_told_apart_without_a_key_check_value(profile: Profile) -> None:
    """A record written before key check values existed: the pages themselves tell the key is right."""
    _closed_store(profile)
    record = json.loads(profile.store_meta_file.read_text())
    del record["key_check"]
    profile.store_meta_file.write_text(json.dumps(record))
    _flip_byte(profile.store_file, 100)
    assert _refused(profile) is KeyProblem.STORE_DAMAGED


def test_page_one_damage_of_a_passphrase_store_is_damage(profile: Profile) -> None:
    _closed_store(profile, passphrase="correct horse battery")
    _flip_byte(profile.store_file, 100)
    assert _refused(profile, passphrase="correct horse battery") is KeyProblem.STORE_DAMAGED
    assert _refused(profile, passphrase="wrong horse") is KeyProblem.WRONG_KEY


def test_a_wrong_key_is_still_a_wrong_key_without_a_key_check_value(profile: Profile, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    _closed_store(profile)
    record = json.loads(profile.store_meta_file.read_text())
    del record["key_check"]
    profile.store_meta_file.write_text(json.dumps(record))
    (entry,) = memory_keyring.entries
    memory_keyring.entries[entry] = "11" * 32
    assert _refused(profile) is KeyProblem.WRONG_KEY


def test_damage_in_the_middle_of_the_file_is_found_at_open(profile: Profile) -> None:
    _closed_store(profile)
    pages = profile.store_file.stat().st_size // PAGE
    assert pages > 10
    _flip_byte(profile.store_file, (pages // 2) * PAGE + 200)
    assert _refused(profile) is KeyProblem.STORE_DAMAGED


@pytest.mark.allow_error_logs  # damage is logged at ERROR, as it must be
def test_damage_found_after_opening_is_reported_once(profile: Profile) -> None:
    _closed_store(profile)
    store = Store.open(profile)
    told: list[str] = []
    store.on_damage(lambda: told.append("damaged"))
    assert store.check_integrity()
    pages = profile.store_file.stat().st_size // PAGE
    _flip_byte(profile.store_file, (pages // 2) * PAGE + 200)
    store.engine.dispose()  # forget cached pages, as a restart would
    assert not store.check_integrity()
    assert not store.check_integrity()
    store.close()
    assert told == ["damaged"]


@pytest.mark.allow_error_logs  # damage is logged at ERROR, as it must be
def test_a_store_too_big_to_check_at_open_is_checked_later(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    _closed_store(profile)
    _flip_byte(profile.store_file, _page_open_does_not_read(profile) * PAGE + 200)
    monkeypatch.setattr(store_files, "CHECK_AT_OPEN_BYTES", PAGE)
    store = Store.open(profile)  # opens at once: its pages are not all read
    told: list[str] = []
    store.on_damage(lambda: told.append("damaged"))
    assert not store.checked_at_open
    assert not store.check_integrity()
    store.close()
    assert told == ["damaged"]


@pytest.mark.allow_error_logs  # damage is logged at ERROR, as it must be
def test_damage_met_by_a_read_is_told(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    _closed_store(profile)
    _flip_byte(profile.store_file, _page_open_does_not_read(profile) * PAGE + 200)
    monkeypatch.setattr(store_files, "CHECK_AT_OPEN_BYTES", PAGE)
    store = Store.open(profile)
    told: list[str] = []
    store.on_damage(lambda: told.append("damaged"))
    with pytest.raises(DatabaseError), store.read() as conn:
        conn.exec_driver_sql("PRAGMA quick_check").fetchall()  # a read that meets the damaged page
    store.close()
    assert told == ["damaged"]


BROKEN_RECORDS = {
    "not json": b"{key_source: keyring",
    "not an object": b"[1, 2, 3]",
    "unknown source": b'{"key_source": "cloud"}',
    "number as source": b'{"key_source": 5}',
    "wrong field type": b'{"key_source": "keyring", "keyring_entry": ["a"], "ready": true}',
    "no source": b'{"keyring_entry": "x"}',
    "not utf-8": b'{"key_source": "\xff\xfe"}',
    "huge": b'{"key_source": "keyring", "keyring_entry": "' + b"x" * 2_000_000 + b'"}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "long number": b'{"key_source": "keyring", "n": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("content", BROKEN_RECORDS.values(), ids=BROKEN_RECORDS.keys())
def test_a_broken_key_record_is_refused_in_words(profile: Profile, content: bytes) -> None:
    _closed_store(profile)
    profile.store_meta_file.write_bytes(content)
    assert _refused(profile) is KeyProblem.RECORD_BROKEN


def test_a_key_record_that_is_a_folder_is_refused(profile: Profile) -> None:
    _closed_store(profile)
    profile.store_meta_file.unlink()
    profile.store_meta_file.mkdir()
    assert _refused(profile) is KeyProblem.RECORD_BROKEN


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_key_record_that_is_a_fifo_is_refused_without_hanging(profile: Profile) -> None:
    _closed_store(profile)
    profile.store_meta_file.unlink()
    os.mkfifo(profile.store_meta_file)
    with pytest.raises(StoreKeyError) as refused:
        Store.open(profile)
    assert refused.value.problem is KeyProblem.RECORD_BROKEN


def test_a_broken_key_record_is_refused_even_without_a_store(profile: Profile) -> None:
    profile.ensure()
    profile.store_meta_file.write_bytes(b"not json")
    assert _refused(profile) is KeyProblem.RECORD_BROKEN
    assert profile.store_meta_file.read_bytes() == b"not json"
