"""A store made by the previous schema version is migrated with its rows intact."""

from __future__ import annotations

from sqlalchemy import inspect

from deskchat.paths import Profile
from deskchat.store import search
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import LATEST_VERSION, migrate, schema_version
from deskchat.store.schema import metadata


def _make_v1_store(profile: Profile) -> None:
    """Build a store exactly as schema version 1 left it, with a day's worth of rows."""
    profile.ensure()
    key = create_key(profile.store_meta_file)
    engine = _make_engine(str(profile.store_file), key)
    with engine.connect() as conn:
        assert migrate(conn, target=1) == 1
        with conn.begin():
            conn.exec_driver_sql(
                "INSERT INTO accounts (id, kind, name, address, created_at) "
                "VALUES (1, 'whatsapp', 'Comercial', '+5511', 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (1, 'Ana', 1, 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO contact_identities (contact_id, kind, value) VALUES (1, 'phone', '+5511987654321')"
            )
            conn.exec_driver_sql(
                "INSERT INTO conversations (id, account_id, contact_id, channel_key, title, status, created_at) "
                "VALUES (1, 1, 1, '5511987654321@s.whatsapp.net', 'Ana', 'open', 1)"
            )
            for number in range(1, 31):
                conn.exec_driver_sql(
                    "INSERT INTO messages (conversation_id, account_id, channel_id, outgoing, text, sent_at, stored_at,"
                    " delivery) VALUES (1, 1, ?, 0, ?, ?, ?, 'received')",
                    (f"M{number}", f"mensagem número {number} sobre o boleto", number * 1000, number * 1000),
                )
            conn.exec_driver_sql(
                "INSERT INTO attachments (message_id, file_name, mime) "
                "VALUES (3, 'nota_fiscal_8841.pdf', 'application/pdf')"
            )
            conn.exec_driver_sql(
                "INSERT INTO crm_clients (contact_id, crm_id, name, cnpj, updated_at) "
                "VALUES (1, 'C1', 'Ana ME', '1', 1)"
            )
    engine.dispose()


def test_v1_store_is_migrated_with_rows_intact(profile: Profile) -> None:
    _make_v1_store(profile)
    store = Store.open(profile)
    with store.read() as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert conn.exec_driver_sql("SELECT count(*) FROM messages").scalar_one() == 30
        assert conn.exec_driver_sql("SELECT text FROM messages WHERE channel_id = 'M7'").scalar_one() == (
            "mensagem número 7 sobre o boleto"
        )
        assert conn.exec_driver_sql("SELECT name FROM crm_clients").scalar_one() == "Ana ME"
        assert conn.exec_driver_sql("SELECT is_group FROM conversations WHERE id = 1").scalar_one() == 0
        # old messages are still found by the rebuilt search index, now also by attachment name
        assert len(search.search_newest(conn, "boleto", 100)) == 30
        assert len(search.search_newest(conn, "numero 7", 100)) == 1  # accents are folded
        (hit,) = search.search_newest(conn, "nota_fiscal_8841", 10)
        assert hit.text == "mensagem número 3 sobre o boleto"
    store.close()


def test_migrated_schema_matches_the_declared_tables(profile: Profile) -> None:
    store = Store.open(profile)
    inspector = inspect(store.engine)
    for table in metadata.sorted_tables:
        actual = {column["name"] for column in inspector.get_columns(table.name)}
        assert actual == {column.name for column in table.columns}, table.name
    store.close()


def test_a_store_from_a_newer_version_is_refused(profile: Profile) -> None:
    store = Store.open(profile)
    store.write_now(lambda conn: conn.exec_driver_sql(f"PRAGMA user_version = {LATEST_VERSION + 1}"))
    store.close()
    import pytest

    from deskchat.store.migrations import StoreFromNewerVersion

    with pytest.raises(StoreFromNewerVersion):
        Store.open(profile)
