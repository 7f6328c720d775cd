"""The step that records why a client record belongs to its contact: a store from the step before keeps its clients,
which then say "as the CRM holds it" (no reason) until the attendant links one by hand."""

from __future__ import annotations

from deskchat.paths import Profile
from deskchat.store import crm_records
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import LATEST_VERSION, STEPS, migrate, schema_version

#: The step that adds crm_clients.linked_by.
LINK_REASON_STEP = next(n for n, step in enumerate(STEPS, 1) if any("ADD COLUMN linked_by" in sql for sql in step))


def test_a_store_from_the_step_before_keeps_its_clients_with_no_link_reason(profile: Profile) -> None:
    profile.ensure()
    engine = _make_engine(str(profile.store_file), create_key(profile.store_meta_file))
    with engine.connect() as conn:
        assert migrate(conn, target=LINK_REASON_STEP - 1) == LINK_REASON_STEP - 1
        with conn.begin():
            conn.exec_driver_sql("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (1, '', 1, 1)")
            conn.exec_driver_sql(
                "INSERT INTO crm_clients (id, contact_id, crm_id, name, credit_limit_cents, updated_at)"
                " VALUES (7, 1, 'c-7', 'Padaria', 150000, 1)"
            )
    engine.dispose()

    store = Store.open(profile)
    try:
        with store.read() as conn:
            assert schema_version(conn) == LATEST_VERSION
            client = crm_records.client_of_contact(conn, 1)
            assert client is not None and (client.name, client.credit_limit_cents) == ("Padaria", 150000)
            assert crm_records.client_link_reason(conn, 7) == ""
        store.write_now(lambda conn: crm_records.set_client_link(conn, 7, 1, "manual", now=2))
        with store.read() as conn:
            assert crm_records.client_link_reason(conn, 7) == "manual"
    finally:
        store.close()
