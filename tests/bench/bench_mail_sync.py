"""First sync of a 5,000-message mailbox from the local Dovecot, against mbsync (isync) on the same mailbox.

Prints: time until every header is stored (the list is full), time until every body is stored, peak memory growth
(this process, plus the peak of the mail parser process), the worst event-loop stall (and its share without the time
the OS kept the loop's thread off the CPU, which on a shared machine can be most of it), mbsync's full sync time and
the ratios (targets: headers ≤ 0.3× mbsync, bodies ≤ 1.5×, memory growth < 150 MB, stall < 50 ms).

Both sides vary from run to run (mbsync fsyncs every message file: 2.3 s to 6 s for the same mailbox on this
machine), so mbsync and DeskChat sync the mailbox in turn, ``DESKCHAT_BENCH_ROUNDS`` times (3), each into a fresh
maildir or profile; the ratios are of the medians, and the best runs are compared too. Memory is measured in the
first round (a peak cannot grow again in the same process); the stall is the worst of all rounds.
``DESKCHAT_BENCH_MAILS`` changes the count.

Run: ``.venv/bin/python tests/bench/bench_mail_sync.py`` (needs Dovecot and mbsync, as the test suite does).
"""

from __future__ import annotations

import asyncio
import base64
import os
import resource
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchlib import StallMeter, report, use_bench_keyring
from stall_trace import StallTrace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from mail_app import MailApp, mail_account
from mailstack import DOMAIN, MailStack, running_mail_stack

from deskchat.channels.email.parse_process import BODY_PARSER
from deskchat.core.events import MessageUpdated
from deskchat.paths import Profile
from deskchat.store.database import Store
from deskchat.tuning import tune_for_responsiveness

MAILS = int(os.environ.get("DESKCHAT_BENCH_MAILS", "5000"))
ROUNDS = int(os.environ.get("DESKCHAT_BENCH_ROUNDS", "3"))
WORDS = "pedido boleto entrega nota fiscal prazo cliente atendimento suporte retorno ".split()


def _mail(number: int, user: str) -> bytes:
    size = 2_000 + (number * 7919) % 18_000
    text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(size // 8))
    head = (
        f"From: Cliente {number % 300} <c{number % 300}@{DOMAIN}>\r\nTo: {user}\r\nSubject: Pedido {number}\r\n"
        f"Message-ID: <b{number}.{user}>\r\nDate: Tue, 10 Nov 2026 09:00:00 -0300\r\nMIME-Version: 1.0\r\n"
    )
    if number % 100:
        return (head + f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n").encode()
    attachment = base64.encodebytes(os.urandom(50_000 + (number * 104_729) % 950_000)).decode()
    return (
        head
        + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
        f"{text}\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="nota{number}.pdf"\r\n\r\n{attachment}--b--\r\n'
    ).encode()


def _fill(stack: MailStack, user: str) -> None:
    with smtplib.LMTP("127.0.0.1", stack.dovecot.lmtp_port) as lmtp:
        for number in range(MAILS):
            lmtp.sendmail(f"c@{DOMAIN}", [user], _mail(number, user))


def _mbsync(stack: MailStack, user: str, root: Path) -> float:
    root.mkdir()
    maildir = root / "maildir"
    maildir.mkdir()
    config = root / "mbsyncrc"
    config.write_text(
        f"IMAPAccount bench\nHost 127.0.0.1\nPort {stack.imap_port}\nUser {user}\nPass {user.split('@')[0]}-pw\n"
        "SSLType None\nAuthMechs LOGIN\n\nIMAPStore far\nAccount bench\n\n"
        f"MaildirStore near\nPath {maildir}/\nInbox {maildir}/INBOX\n\n"
        "Channel bench\nFar :far:\nNear :near:\nPatterns INBOX\nCreate Near\nSyncState *\n"
    )
    started = time.perf_counter()
    subprocess.run(["mbsync", "-q", "-c", str(config), "-a"], check=True)
    return time.perf_counter() - started


async def _until_count(app: MailApp, sql: str, expected: int, timeout: float = 3600) -> None:
    """Wait until ``sql`` counts ``expected``, re-counting after every commit. The count runs off the loop: a scan
    of 50 MB of stored mail on the loop would be the benchmark's own stall, not the app's (the window never counts)."""
    async with asyncio.timeout(timeout):
        while True:
            app.ingest.changed.clear()
            count = await app.store.read_later(lambda conn: conn.exec_driver_sql(sql).scalar_one())
            if count == expected:
                return
            await app.ingest.changed.wait()


@dataclass(frozen=True)
class Run:
    headers_s: float
    bodies_s: float
    stall_ms: float
    own_stall_ms: float
    growth_mb: float
    parser_peak_mb: float


def _peak_mb(pid: int) -> float:
    """The peak resident size of process ``pid`` (Linux; 0 elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


async def _deskchat(stack: MailStack, user: str, profile: Path) -> Run:
    store = Store.open(Profile(profile), passphrase="bench")
    app = MailApp(store)
    meter = StallMeter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    account_id = await app.driver.add_mailbox(mail_account(stack, user), password=user.split("@")[0] + "-pw")
    bodies: set[int] = set()
    app.bus.subscribe(MessageUpdated, lambda event: bodies.add(event.message_id))  # a body stored
    # The loop's and the background reader's store connections, open long before in the app (the window's first
    # reads): with the bench's passphrase each new connection derives the key again (about 0.1 s).
    app.query("SELECT 1")
    await app.store.read_later(lambda conn: conn.exec_driver_sql("SELECT 1").scalar())
    tune_for_responsiveness()  # as the app does once its window is up (1 ms GIL switch, start-up frozen out of GC)
    trace = StallTrace() if os.environ.get("DESKCHAT_BENCH_STALL_TRACE") else None
    if trace is not None:
        trace.start()
    meter.start()
    started = time.perf_counter()
    await app.accounts.connect(account_id)
    await _until_count(app, "SELECT count(*) FROM messages", MAILS)
    headers_s = time.perf_counter() - started
    await app.until(lambda: len(bodies) >= MAILS, timeout=3600)  # told by the bus: no count over 50 MB per commit
    bodies_s = time.perf_counter() - started
    # then checked once, untimed: the count reads every stored body (a scan of the table), which the app never does
    await _until_count(app, "SELECT count(*) FROM messages WHERE body_state = 'full'", MAILS, timeout=60)
    stall = await meter.stop()
    if trace is not None:
        await trace.stop()
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    parser_peak_mb = _peak_mb(await BODY_PARSER.worker_pid())
    await app.stop()
    store.close()
    BODY_PARSER.close()  # each round starts its parser process, as an app that just started does
    return Run(headers_s, bodies_s, stall, meter.worst_own_ms, growth_mb, parser_peak_mb)


def main() -> None:
    use_bench_keyring()
    if shutil.which("mbsync") is None:
        sys.exit("mbsync (isync) is not installed")
    mbsync: list[float] = []
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as folder:
        root = Path(folder)
        os.chmod(root, 0o755)
        with running_mail_stack(root / "stack") as stack:
            user = stack.dovecot.fresh_mailbox()
            started = time.perf_counter()
            _fill(stack, user)
            print(f"[bench] {MAILS} mails delivered in {time.perf_counter() - started:.1f} s", flush=True)
            for round_ in range(ROUNDS):
                mbsync.append(_mbsync(stack, user, root / f"mbsync-{round_}"))
                runs.append(asyncio.run(_deskchat(stack, user, root / f"profile-{round_}")))
                print(
                    f"[bench] round {round_ + 1}: mbsync {mbsync[-1]:.2f} s; DeskChat headers"
                    f" {runs[-1].headers_s:.2f} s, bodies {runs[-1].bodies_s:.2f} s (load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    _report(mbsync, runs)


def _report(mbsync: list[float], runs: list[Run]) -> None:
    worst = max(runs, key=lambda run: run.stall_ms)
    report("worst loop stall", f"{worst.stall_ms:.1f} ms", "< 50 ms", worst.stall_ms < 50)
    print(f"[bench]   of which this process's own (without waiting for a CPU): {worst.own_stall_ms:.1f} ms")
    first = runs[0]
    growth = first.growth_mb + first.parser_peak_mb
    report(
        "peak memory growth",
        f"{growth:.0f} MB ({first.growth_mb:.0f} MB in the app, {first.parser_peak_mb:.0f} MB the parser process)",
        "< 150 MB",
        growth < 150,
    )
    median_mbsync = statistics.median(mbsync)
    print(f"[bench] mbsync full sync: median {median_mbsync:.2f} s, best {min(mbsync):.2f} s, of {len(mbsync)} runs")
    for name, target, times in (
        ("all headers stored", 0.3, [run.headers_s for run in runs]),
        ("all bodies stored", 1.5, [run.bodies_s for run in runs]),
    ):
        median = statistics.median(times)
        ratio, best_ratio = median / median_mbsync, min(times) / min(mbsync)
        report(
            name,
            f"median {median:.2f} s = {ratio:.2f}× mbsync's median;"
            f" best {min(times):.2f} s = {best_ratio:.2f}× mbsync's best",
            f"≤ {target}×",
            ratio <= target and best_ratio <= target,
        )


if __name__ == "__main__":
    main()
