"""``--demo`` with a real CRM: the reference server (the ``crm-server`` extra) started on a loopback port, on a
seeded SQLite file in the throwaway profile, so the demo shows the CRM connected and syncing for real. The seed is
the demo profile's own CRM records (clients, cases with their "#N", queues, attendants), so every edit from the info
pane reaches a record the server holds; the child ends with DeskChat, even when DeskChat is killed (Linux).

The server runs as a child process (``python -m deskchat.crm.server``), not inside the app: the desktop app never
imports the server or its libraries (tests/integration/test_crm_packaging.py). Without the extra installed,
:func:`start_demo_crm` returns None and the demo shows the CRM card as simulated.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

log = logging.getLogger("deskchat.crm.demo")

START_TIMEOUT_S: Final = 30.0
STOP_TIMEOUT_S: Final = 5.0
DEMO_USER: Final = "camila"  # the demo's attendant, Camila Rocha (deskchat.demo.crm_seed.attendant_login)
DEMO_PASSWORD: Final = "deskchat"  # the reference server's seed password (python -m deskchat.crm.server --help)
SEED_FILE_NAME: Final = "crm-seed.json"  # the demo generator writes it in the throwaway profile (demo.crm_seed)
SAMPLE_USER: Final = "ana"  # the server's own sample seed (--seed), for a profile with no demo CRM records
PR_SET_PDEATHSIG: Final = 1


def crm_server_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("uvicorn", "starlette"))


@dataclass
class DemoCrm:
    url: str
    process: subprocess.Popen[bytes]
    user: str = DEMO_USER  # who the demo signs in as

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v1/queues", timeout=1).status_code == 401
    except httpx.HTTPError:
        return False


def _parent_death_signal() -> Callable[[], None] | None:
    """What the child runs before the server (Linux): asks the kernel for SIGTERM when DeskChat dies, even by SIGKILL.
    The signal follows the thread that spawned the child, so the spawn happens on the app's main thread. prctl is
    looked up here, in the parent: the child only calls it (no loader locks after fork)."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def end_with_parent() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # DeskChat died before the signal was asked for
            os._exit(1)

    return end_with_parent


def launch_demo_crm(folder: Path) -> DemoCrm | None:
    """Start the server on ``folder/crm-demo.sqlite3``, seeded with the demo's own CRM records (``crm-seed.json``,
    written by the demo generator) or, without that file, the server's sample seed; returns at once."""
    if not crm_server_installed():
        return None
    port = _free_port()
    database = f"sqlite:///{folder / 'crm-demo.sqlite3'}"
    command = [sys.executable, "-m", "deskchat.crm.server", "--port", str(port), "--database-url", database]
    seed_file = folder / SEED_FILE_NAME
    seeded = seed_file.exists()
    command += ["--seed-file", str(seed_file)] if seeded else ["--seed"]
    with (folder / "crm-demo.log").open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_parent_death_signal(),
        )
    return DemoCrm(f"http://127.0.0.1:{port}", process, DEMO_USER if seeded else SAMPLE_USER)


def wait_until_answering(demo: DemoCrm) -> bool:
    """Block until the server answers (run it off the loop); stops it and returns False when it does not start."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(demo.url):  # the server has no readiness signal but its answers
        if demo.process.poll() is not None or time.monotonic() > deadline:
            log.warning("the demo CRM server did not start (see crm-demo.log in the demo profile)")
            demo.stop()
            return False
        time.sleep(0.05)
    return True


def start_demo_crm(folder: Path) -> DemoCrm | None:
    """:func:`launch_demo_crm`, then :func:`wait_until_answering`; None when it did not start."""
    demo = launch_demo_crm(folder)
    return demo if demo is not None and wait_until_answering(demo) else None
