"""``POST /batch``: several writes in one request, each under its own key, each answered on its own, in order."""

from __future__ import annotations

from typing import Any

from deskchat.crm.check.report import RuleSkipped, expect
from deskchat.crm.check.session import Session, new_id, new_key


def operations_answered_one_by_one(session: Session) -> None:
    contact = {"id": new_id(), "name": "Conformidade lote", "status": "lead", "source": "whatsapp"}
    note = {"id": new_id(), "contact_id": contact["id"], "body": "nota do lote"}
    operations: list[dict[str, Any]] = [
        {"idempotency_key": new_key(), "method": "POST", "path": "/contacts", "body": contact},
        {"idempotency_key": new_key(), "method": "POST", "path": "/contacts", "body": {"id": new_id()}},
        {"idempotency_key": new_key(), "method": "POST", "path": "/notes", "body": note},  # needs the first one
    ]
    first = session.http.post(f"{session.api}/batch", json={"operations": operations}, headers=session.headers())
    if first.status_code == 404:
        raise RuleSkipped("the server has no POST /batch")
    expect(first.status_code == 200, f"the batch answered {first.status_code}, not 200")
    statuses = [answer["status"] for answer in first.json()["results"]]
    expect(statuses == [201, 422, 201], f"the operations got {statuses}, not [201, 422, 201] (each its own answer)")
    single = session.write("POST", "/contacts", contact, operations[0]["idempotency_key"])
    expect(single.status_code == 201, f"the first operation retried alone got {single.status_code}, not its 201")
    expect(single.headers.get("idempotent-replayed") == "true", "the operation retried alone ran again")
    again = session.http.post(f"{session.api}/batch", json={"operations": operations}, headers=session.headers())
    answers = again.json()["results"] if again.status_code == 200 else []
    replayed = [(answer["status"], answer["replayed"]) for answer in answers]
    expect(replayed[:1] == [(201, True)], f"the batch sent again answered {replayed}, not a replay of each write")
    held = session.get(f"/contacts/{contact['id']}")
    expect(held.status_code == 200, "the contact created in the batch is not there")
