"""Pull cursors: every record exactly once, also while others write, also when one write holds many records."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from deskchat.crm.check.report import expect
from deskchat.crm.check.session import Session, new_key, new_message

WRITERS = 4
CREATES_PER_WRITER = 12
PAGE = 3


def _drain(session: Session, path: str, cursor: str | None, limit: int) -> tuple[list[str], str | None]:
    """Pages until has_more is false; the ids seen in order, and the last cursor."""
    seen: list[str] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["updated_since"] = cursor
        response = session.get(path, **params)
        expect(response.status_code == 200, f"GET {path} answered {response.status_code}")
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        expect(isinstance(page.get("next_cursor"), str), "a page lacks next_cursor")
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seen, cursor


def no_loss_under_concurrent_writes(session: Session) -> None:
    _, cursor = _drain(session, "/contacts", None, 100)
    created: list[str] = []
    seen: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def write(index: int) -> None:
        for number in range(CREATES_PER_WRITER):
            contact = session.create_contact(f"Conformidade cursor {index}-{number}")
            with lock:
                created.append(contact["id"])

    def read() -> None:
        nonlocal cursor
        while True:
            finished = done.is_set()  # read once more after the writers are done
            ids, cursor = _drain(session, "/contacts", cursor, PAGE)
            seen.extend(ids)
            if finished:
                return

    with ThreadPoolExecutor(WRITERS + 1) as pool:
        reader = pool.submit(read)
        writers = [pool.submit(write, index) for index in range(WRITERS)]
        for future in writers:
            future.result()
        done.set()
        reader.result()
    duplicates = len(seen) - len(set(seen))
    lost = set(created) - set(seen)
    expect(not lost, f"{len(lost)} of {len(created)} contacts created while paging never appeared in a page")
    expect(duplicates == 0, f"{duplicates} contacts appeared twice although none changed")


def no_loss_inside_one_write(session: Session) -> None:
    contact = session.create_contact("Conformidade lote")
    case = session.create_case(contact["id"])
    batch = [new_message() for _ in range(30)]

    response = session.write("POST", f"/cases/{case['id']}/messages", {"messages": batch}, new_key())
    expect(response.status_code == 200, f"the batch of 30 answered {response.status_code}")
    seen, _ = _drain(session, f"/cases/{case['id']}/messages", None, 7)
    expect(sorted(seen) == sorted(m["id"] for m in batch), f"paging by 7 gave {len(set(seen))} of 30 messages")
    expect(len(seen) == len(set(seen)), "a message appeared twice")


def changed_record_comes_again(session: Session) -> None:
    contact = session.create_contact("Conformidade mudança")
    _, cursor = _drain(session, "/contacts", None, 100)
    tag = session.get(f"/contacts/{contact['id']}").headers.get("etag", "")

    changed = session.write("PATCH", f"/contacts/{contact['id']}", {"score": 77}, new_key(), if_match=tag)
    expect(changed.status_code == 200, f"the PATCH answered {changed.status_code}")
    seen, _ = _drain(session, "/contacts", cursor, 100)
    expect(seen == [contact["id"]], f"after one change the cursor gave {len(seen)} records, not the changed one")
