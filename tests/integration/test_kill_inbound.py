"""SIGKILL during a burst of received messages loses nothing: every message whose neonize callback returned (what
WhatsApp is told was received) is stored exactly once after a restart on the same profile."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from deskchat.paths import Profile
from deskchat.store.database import Store
from deskchat.store.schema import messages as messages_table

CHILD = Path(__file__).with_name("kill_child.py")
ROUNDS = int(os.environ.get("DESKCHAT_KILL_ROUNDS", "3"))
BURST = int(os.environ.get("DESKCHAT_KILL_BURST", "20000"))
PASSPHRASE = "kill-test passphrase"


def _child(*arguments: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, str(CHILD), *arguments], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )


def _wait_for_line(child: subprocess.Popen[str], expected: str) -> None:
    assert child.stdout is not None
    for line in child.stdout:  # blocks on the child's output, with the child's own pace
        if line.strip() == expected:
            return
    raise AssertionError(f"child ended before {expected!r} (exit {child.wait()})")


def test_sigkill_during_a_burst_loses_and_doubles_nothing(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    chance = random.Random(6)
    killed_while_feeding = 0
    for round_no in range(ROUNDS):
        feeder = _child("feed", str(profile), str(round_no), str(BURST))
        _wait_for_line(feeder, "feeding")
        time.sleep(chance.uniform(0.2, 2.0))  # a random moment of the burst, not synchronisation
        feeder.send_signal(signal.SIGKILL)
        feeder.wait(timeout=30)
        assert feeder.stdout is not None
        feeder.stdout.close()
        drainer = _child("drain", str(profile))
        _wait_for_line(drainer, "drained")
        assert drainer.wait(timeout=60) == 0
        assert drainer.stdout is not None
        drainer.stdout.close()
        acked_now = (profile / "acked.txt").read_text().split()
        killed_while_feeding += sum(1 for item in acked_now if item.startswith(f"K{round_no}-")) < BURST

    acked = (profile / "acked.txt").read_text().split()
    store = Store.open(Profile(profile), passphrase=PASSPHRASE)
    try:
        with store.read() as conn:
            stored = Counter(str(value) for value in conn.execute(select(messages_table.c.channel_id)).scalars())
    finally:
        store.close()
    lost = [message_id for message_id in acked if message_id not in stored]
    doubled = [message_id for message_id, times in stored.items() if times > 1]
    print(
        f"\nkill test: {ROUNDS} kills ({killed_while_feeding} mid-burst), {len(acked)} acknowledged, "
        f"{len(stored)} stored, lost {len(lost)}, doubled {len(doubled)}, "
        f"stored beyond the acks {len(set(stored) - set(acked))}"
    )
    assert killed_while_feeding >= 1
    assert lost == []
    assert doubled == []
