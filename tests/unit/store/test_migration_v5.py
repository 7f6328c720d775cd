"""A store made by schema version 4 gains e-mail's tables and columns with its rows intact."""

from __future__ import annotations

from deskchat.paths import Profile
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import LATEST_VERSION, migrate, schema_version


def test_v4_store_is_migrated_to_v5_with_rows_intact(profile: Profile) -> None:
    profile.ensure()
    key = create_key(profile.store_meta_file)
    engine = _make_engine(str(profile.store_file), key)
    with engine.connect() as conn:
        assert migrate(conn, target=4) == 4
        with conn.begin():
            conn.exec_driver_sql("INSERT INTO accounts (id, kind, name, created_at) VALUES (1, 'email', 'Suporte', 1)")
            conn.exec_driver_sql("INSERT INTO contacts (id, created_at, updated_at) VALUES (1, 1, 1)")
            conn.exec_driver_sql(
                "INSERT INTO conversations (id, account_id, contact_id, channel_key, created_at) "
                "VALUES (1, 1, 1, 'ana@cliente.test', 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO messages (conversation_id, account_id, channel_id, outgoing, text, sent_at, stored_at,"
                " delivery) VALUES (1, 1, 'm1@cliente.test', 0, 'boleto vencido', 1, 1, 'received')"
            )
    engine.dispose()

    store = Store.open(profile)
    with store.read() as conn:
        assert schema_version(conn) == LATEST_VERSION >= 5
        row = conn.exec_driver_sql("SELECT text, html, body_state FROM messages").one()
        assert tuple(row) == ("boleto vencido", "", "full")  # mail stored before v5 has its whole body
        assert conn.exec_driver_sql("SELECT count(*) FROM mail_uids").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM mail_headers").scalar_one() == 0
    store.close()
