"""Idempotency keys, client-generated ids, and ETag / If-Match."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from deskchat.crm.check.report import RuleSkipped, expect
from deskchat.crm.check.session import Session, describe, is_problem, new_id, new_key, new_message


def key_required(session: Session) -> None:
    body = {"id": new_id(), "name": "Conformidade", "status": "lead", "source": "manual"}
    response = session.write("POST", "/contacts", body)
    expect(is_problem(response, 400), f"a create without Idempotency-Key got {describe(response)}, not a 400 problem")
    expect(session.get(f"/contacts/{body['id']}").status_code == 404, "the keyless create was stored anyway")


def replay_same_response(session: Session) -> None:
    key = new_key()
    body = {"id": new_id(), "name": "Conformidade replay", "status": "lead", "source": "whatsapp"}
    first = session.write("POST", "/contacts", body, key)
    expect(first.status_code == 201, f"the create answered {first.status_code}, not 201")
    second = session.write("POST", "/contacts", body, key)
    expect(second.status_code == first.status_code, f"the retry got {second.status_code}, not the stored 201")
    expect(second.json() == first.json(), "the retry's body differs from the first response")
    expect(second.headers.get("etag") == first.headers.get("etag"), "the retry's ETag differs")
    expect(second.headers.get("idempotent-replayed") == "true", "the retry lacks Idempotent-Replayed: true")
    batch = {"messages": [new_message() for _ in range(3)]}
    case = session.create_case(first.json()["id"])
    sent = [session.write("POST", f"/cases/{case['id']}/messages", batch, key=(batch_key := new_key()))]
    sent.append(session.write("POST", f"/cases/{case['id']}/messages", batch, key=batch_key))
    expect([r.status_code for r in sent] == [200, 200], f"the batch and its retry got {[r.status_code for r in sent]}")
    held = session.get(f"/cases/{case['id']}/messages", limit=500).json()["items"]
    expect(len(held) == 3, f"the server holds {len(held)} messages after a batch of 3 and its retry")


def changed_payload_refused(session: Session) -> None:
    key = new_key()
    body = {"id": new_id(), "name": "Conformidade 422", "status": "lead", "source": "manual"}
    expect(session.write("POST", "/contacts", body, key).status_code == 201, "the first create failed")
    changed = session.write("POST", "/contacts", {**body, "name": "Outro nome"}, key)
    expect(is_problem(changed, 422), f"the same key with another body got {describe(changed)}, not a 422 problem")
    expect(session.get(f"/contacts/{body['id']}").json()["name"] == body["name"], "the second body was applied")


def _overlapping_tries(session: Session, use_faults: bool) -> list[httpx.Response]:
    """One create sent several times with the same key, the later tries while the first may still run."""
    key = new_key()
    body = {"id": new_id(), "name": "Conformidade 409", "status": "lead", "source": "manual"}
    if not use_faults:
        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda _: session.write("POST", "/contacts", body, key), range(8)))
    scheduled = session.http.post(
        f"{session.base_url}/admin/faults",
        json=[{"kind": "delay", "delay_ms": 1500, "method": "POST", "path": "/contacts"}],
    )
    expect(scheduled.status_code == 201, f"the server's /admin/faults answered {scheduled.status_code}")
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(session.write, "POST", "/contacts", body, key)
        time.sleep(0.3)  # let the slow try reach the server first (a later round retries if it did not)
        responses = [session.write("POST", "/contacts", body, key) for _ in range(40) if not slow.done()]
        return [slow.result(), *responses]


def conflict_while_in_flight(session: Session, use_faults: bool) -> None:
    for _round in range(3):
        every = _overlapping_tries(session, use_faults)
        conflicts = [r for r in every if r.status_code == 409]
        answers = [r for r in every if r.status_code != 409]
        expect(all(is_problem(r, 409) for r in conflicts), "a 409 is not a problem document")
        expect(
            bool(answers) and all(r.status_code == 201 and r.json() == answers[0].json() for r in answers),
            f"besides 409s, the tries got other answers than one 201 and its replays: {[describe(r) for r in answers]}",
        )
        if conflicts:
            return
        if use_faults:
            session.http.delete(f"{session.base_url}/admin/faults")  # a delay no request took
    raise RuleSkipped("no retry arrived while the first was in flight (run the reference server with --faults)")


def client_id_is_unique(session: Session) -> None:
    body = {"id": new_id(), "name": "Conformidade id", "status": "lead", "source": "manual"}
    expect(session.write("POST", "/contacts", body, new_key()).status_code == 201, "the first create failed")
    again = session.write("POST", "/contacts", body, new_key())
    expect(is_problem(again, 409), f"a second create of the same id got {describe(again)}, not a 409 problem")


def etag_and_if_match(session: Session) -> None:
    contact = session.create_contact("Conformidade ETag")
    path = f"/contacts/{contact['id']}"
    got = session.get(path)
    tag = got.headers.get("etag")
    expect(tag is not None, "GET of a record has no ETag")
    assert tag is not None
    missing = session.write("PATCH", path, {"score": 10}, new_key())
    expect(is_problem(missing, 428), f"a PATCH without If-Match got {describe(missing)}, not a 428 problem")
    changed = session.write("PATCH", path, {"score": 20}, new_key(), if_match=tag)
    expect(changed.status_code == 200, f"a PATCH with the current ETag got {changed.status_code}, not 200")
    new_tag = changed.headers.get("etag")
    expect(new_tag not in (None, tag), "the ETag did not change with the record")
    stale = session.write("PATCH", path, {"score": 30}, new_key(), if_match=tag)
    expect(is_problem(stale, 412), f"a PATCH with a stale ETag got {describe(stale)}, not a 412 problem")
    now = session.get(path)
    expect(now.json()["score"] == 20, "the stale PATCH was applied")
    expect(now.headers.get("etag") == new_tag, "GET does not give the ETag the PATCH answered")
    case = session.create_case(contact["id"])
    case_tag = session.get(f"/cases/{case['id']}").headers.get("etag", "")
    closed = session.write("PATCH", f"/cases/{case['id']}", {"status": "encerrado"}, new_key(), if_match=case_tag)
    expect(closed.status_code == 200 and closed.json()["closed_at"], "closing a case did not set closed_at")
    late = session.write("PATCH", f"/cases/{case['id']}", {"priority": "alta"}, new_key(), if_match=case_tag)
    expect(is_problem(late, 412), f"a case PATCH with a stale ETag got {describe(late)}, not a 412 problem")
