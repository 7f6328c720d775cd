"""The case-status step: a store whose cases carry the old statuses (open, waiting, resolved, closed) gets the CRM
contract's (pendente, em_atendimento, encerrado), and the sender's open case is found again."""

from __future__ import annotations

from deskchat.paths import Profile
from deskchat.store import case_links
from deskchat.store.database import Store, _make_engine
from deskchat.store.keys import create_key
from deskchat.store.migrations import LATEST_VERSION, STEPS, migrate, schema_version

#: The step that converts the statuses: the one that writes 'em_atendimento'.
STATUS_STEP = next(n for n, step in enumerate(STEPS, 1) if any("'em_atendimento'" in s for s in step))

OLD = {1: "open", 2: "waiting", 3: "resolved", 4: "closed", 5: "pending", 6: "em_atendimento"}
NEW = {1: "em_atendimento", 2: "em_atendimento", 3: "encerrado", 4: "encerrado", 5: "pendente", 6: "em_atendimento"}


def test_old_case_statuses_become_the_contracts_and_the_open_case_is_found(profile: Profile) -> None:
    profile.ensure()
    engine = _make_engine(str(profile.store_file), create_key(profile.store_meta_file))
    with engine.connect() as conn:
        assert migrate(conn, target=STATUS_STEP - 1) == STATUS_STEP - 1
        with conn.begin():
            conn.exec_driver_sql("INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (1, '', 1, 1)")
            conn.exec_driver_sql(
                "INSERT INTO accounts (id, kind, name, address, created_at) VALUES (1, 'email', 'S', 's@e.com', 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO conversations (id, account_id, contact_id, channel_key, title, status, created_at)"
                " VALUES (1, 1, 1, 'c@e.com', 'C', 'open', 1)"
            )
            for case_id, status in OLD.items():
                conn.exec_driver_sql(
                    "INSERT INTO crm_cases (id, crm_id, contact_id, title, status, opened_at, updated_at)"
                    " VALUES (?, ?, 1, '', ?, ?, 1)",
                    (case_id, str(case_id), status, 10 - case_id if status != "waiting" else 100),
                )
    engine.dispose()

    store = Store.open(profile)
    with store.read() as conn:
        assert schema_version(conn) == LATEST_VERSION
        statuses = dict(conn.exec_driver_sql("SELECT id, status FROM crm_cases").all())
        assert statuses == NEW
        assert case_links.open_case_of_conversation(conn, 1) == 2  # the old 'waiting' one, opened last
    store.close()
