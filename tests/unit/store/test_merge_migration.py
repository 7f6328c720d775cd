"""The contact-merge step: a store from the step before gains the merge record with its rows intact."""

from __future__ import annotations

from sqlalchemy import Connection

from deskchat.core.messages import Identity
from deskchat.paths import Profile
from deskchat.services import people
from deskchat.store import contacts, merges
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import LATEST_VERSION, STEPS, migrate, schema_version

#: The step that adds the contact-merge tables (schema v6).
MERGE_STEP = 6


def test_a_store_from_the_step_before_is_migrated_and_can_merge(profile: Profile) -> None:
    assert any("contact_merges" in statement for statement in STEPS[MERGE_STEP - 1])
    profile.ensure()
    engine = _make_engine(str(profile.store_file), create_key(profile.store_meta_file))
    with engine.connect() as conn:
        assert migrate(conn, target=MERGE_STEP - 1) == MERGE_STEP - 1
        with conn.begin():
            for contact_id, kind, value in ((1, "phone", "+551187654321"), (2, "wa_lid", "123456789012345")):
                conn.exec_driver_sql(
                    "INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, '', 1, 1)",
                    (contact_id,),
                )
                conn.exec_driver_sql(
                    "INSERT INTO contact_identities (contact_id, kind, value) VALUES (?, ?, ?)",
                    (contact_id, kind, value),
                )
    engine.dispose()

    store = Store.open(profile)
    with store.read() as conn:
        assert schema_version(conn) == LATEST_VERSION
        assert conn.exec_driver_sql("SELECT count(*) FROM contact_merges").scalar_one() == 0

    def work(conn: Connection) -> None:
        # the legacy-form row written by the old version is found by the canonical number
        resolved = people.resolve(
            conn, [Identity("phone", "+55 11 98765-4321"), Identity("wa_lid", "123456789012345")], now=5
        )
        assert resolved == people.Resolved(1, merged=True)
        (merge,) = merges.active_merges_into(conn, 1)
        assert merges.undo_merge(conn, merge.id, now=6) is not None
        assert contacts.find_contact(conn, [Identity("wa_lid", "123456789012345")]) == 2

    store.write_now(work)
    store.close()
