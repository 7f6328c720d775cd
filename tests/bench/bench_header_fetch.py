"""The header pass's FETCH of a 5,000-mail mailbox (the sync benchmark's mail) from the local Dovecot: CPU time
(``time.process_time``) and wall time with imapclient's ``fetch`` and parser, and with the quick reading
(``fetch_response.fetch_headers``), 1,000 UIDs per FETCH as the header pass asks. Also the parse alone over the same
raw responses. Both must give the same headers (checked). ``DESKCHAT_BENCH_MAILS`` changes the count.

Run: ``.venv/bin/python tests/bench/bench_header_fetch.py`` (needs Dovecot, as the test suite does).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_mail_sync import MAILS, _fill
from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from mailstack import running_mail_stack

from deskchat.channels.email.fetch_response import (
    HEADER_ITEMS,
    FetchedHeader,
    fetch_headers,
    header_from_items,
    parse_header_fetch,
)
from deskchat.channels.email.folder_sync import HEADER_BATCH

ROUNDS = 5


def _with_imapclient(client: IMAPClient, uids: list[int]) -> dict[int, FetchedHeader]:
    fetched = client.fetch(uids, list(HEADER_ITEMS))
    return {uid: header_from_items(uid, fetched[uid]) for uid in uids if uid in fetched}


def _chunks(uids: list[int]) -> list[list[int]]:
    return [uids[start : start + HEADER_BATCH] for start in range(0, len(uids), HEADER_BATCH)]


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def _report(name: str, times: list[tuple[float, float]]) -> float:
    cpu = statistics.median(t[0] for t in times)
    wall = statistics.median(t[1] for t in times)
    print(f"[bench] {name:<34} cpu {cpu * 1000:7.1f} ms   wall {wall * 1000:7.1f} ms   (median of {len(times)})")
    return cpu


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-fetch-") as folder:
        root = Path(folder)
        os.chmod(root, 0o755)
        with running_mail_stack(root / "stack") as stack:
            user = stack.dovecot.fresh_mailbox()
            _fill(stack, user)
            client = IMAPClient("127.0.0.1", port=stack.imap_port, ssl=False, timeout=60)
            client._imap.debug = 0  # no imaplib protocol trace, as the app's open_imap() sets it
            client.login(user, user.split("@")[0] + "-pw")
            client.normalise_times = False  # both readings give an INTERNALDATE as its exact instant
            client.select_folder("INBOX", readonly=True)
            chunks = _chunks(client.search("ALL"))
            print(f"[bench] {MAILS} mails, {len(chunks)} FETCHes of {HEADER_BATCH} UIDs")

            def imapclient_fetch() -> list[dict[int, FetchedHeader]]:
                return [_with_imapclient(client, chunk) for chunk in chunks]

            def quick_fetch() -> list[dict[int, FetchedHeader]]:
                return [fetch_headers(client, chunk) for chunk in chunks]

            if imapclient_fetch() != quick_fetch():
                sys.exit("the two readings differ")
            slow, quick = [], []
            for _ in range(ROUNDS):
                slow.append(_timed(imapclient_fetch))
                quick.append(_timed(quick_fetch))
            items = "(" + " ".join(HEADER_ITEMS) + ")"
            raw = [
                (chunk, client._raw_command_untagged(b"FETCH", [",".join(map(str, chunk)).encode(), items.encode()]))
                for chunk in chunks
            ]
            client.logout()

    def imapclient_parse() -> None:
        for chunk, data in raw:
            parsed = parse_fetch_response(data, normalise_times=False)
            {uid: header_from_items(uid, parsed[uid]) for uid in chunk if uid in parsed}

    def quick_parse() -> None:
        for chunk, data in raw:
            parse_header_fetch(data, chunk)

    before = _report("header FETCH, imapclient", slow)
    after = _report("header FETCH, quick reading", quick)
    print(f"[bench] header FETCH CPU: {before / after:.1f}× less (target ≥ 3×)")
    parse_before = _report("parse only, imapclient", [_timed(imapclient_parse) for _ in range(ROUNDS)])
    parse_after = _report("parse only, quick reading", [_timed(quick_parse) for _ in range(ROUNDS)])
    print(f"[bench] parse CPU: {parse_before / parse_after:.1f}× less")


if __name__ == "__main__":
    main()
