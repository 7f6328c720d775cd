"""SIGKILL during a mailbox's first sync (headers, then bodies), at several points, on a real SQLCipher store: after
a restart every mail is stored exactly once, with its UID-map row and its body."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from mail_app import raw_mail
from mailstack import DOMAIN, MailStack

from deskchat.paths import Profile
from deskchat.store.database import Store

CHILD = Path(__file__).with_name("mail_kill_child.py")
PASSPHRASE = "mail kill-test passphrase"
MAILS = 450  # three header batches, ~23 body batches
KILLS = 3


def _child(stack: MailStack, profile: Path, user: str) -> subprocess.Popen[str]:
    arguments = [str(profile), str(stack.imap_port), str(stack.smtp.port), user, str(MAILS)]
    return subprocess.Popen(
        [sys.executable, str(CHILD), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def _wait_for_line(child: subprocess.Popen[str], expected: str) -> bool:
    assert child.stdout is not None
    return any(line.strip() == expected for line in child.stdout)  # paced by the child


def test_sigkill_during_the_first_sync_loses_and_doubles_nothing(mail_stack: MailStack, tmp_path: Path) -> None:
    user = mail_stack.dovecot.fresh_mailbox()
    for number in range(MAILS):
        body = f"Pedido {number} " + "detalhes do pedido " * (50 + number % 200)
        mail_stack.dovecot.deliver(
            raw_mail(f"c{number % 40}@{DOMAIN}", user, f"P{number}", f"k{number}.{user}", body), user
        )
    profile = tmp_path / "profile"
    chance = random.Random(7)
    killed_before_done = 0
    for _round in range(KILLS):
        child = _child(mail_stack, profile, user)
        assert _wait_for_line(child, "committing")
        time.sleep(chance.uniform(0.0, 0.4))  # a random moment of the sync, not synchronisation
        killed_before_done += child.poll() is None
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.stdout is not None
        child.stdout.close()
    final = _child(mail_stack, profile, user)
    assert _wait_for_line(final, "synced")
    assert final.wait(timeout=60) == 0
    assert final.stdout is not None
    final.stdout.close()

    store = Store.open(Profile(profile), passphrase=PASSPHRASE)
    try:
        with store.read() as conn:
            ids = [str(v) for (v,) in conn.exec_driver_sql("SELECT channel_id FROM messages")]
            uids = conn.exec_driver_sql("SELECT count(*), count(DISTINCT uid) FROM mail_uids").one()
            attachments = conn.exec_driver_sql("SELECT count(*) FROM attachments").scalar_one()
    finally:
        store.close()
    print(f"\nmail kill test: {KILLS} kills ({killed_before_done} before the sync ended), {len(ids)} stored")
    assert killed_before_done >= 1
    assert sorted(ids) == sorted(f"k{n}.{user}" for n in range(MAILS))  # none lost, none doubled
    assert tuple(uids) == (MAILS, MAILS)
    assert attachments == 0
