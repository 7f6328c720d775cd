"""``--demo`` with a real CRM: the reference server (the ``crm-server`` extra) started on a loopback port, on a
seeded SQLite file in the throwaway profile, so the demo shows the CRM connected and syncing for real.

The server runs as a child process (``python -m deskchat.crm.server``), not inside the app: the desktop app never
imports the server or its libraries (tests/integration/test_crm_packaging.py). Without the extra installed,
:func:`start_demo_crm` returns None and the demo shows the CRM card as simulated.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

log = logging.getLogger("deskchat.crm.demo")

START_TIMEOUT_S: Final = 30.0
STOP_TIMEOUT_S: Final = 5.0
DEMO_USER: Final = "ana"
DEMO_PASSWORD: Final = "deskchat"  # the reference server's seed password (python -m deskchat.crm.server --help)


def crm_server_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("uvicorn", "starlette"))


@dataclass
class DemoCrm:
    url: str
    process: subprocess.Popen[bytes]

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


def start_demo_crm(folder: Path) -> DemoCrm | None:
    """Seed ``folder/crm-demo.sqlite3`` and serve it on 127.0.0.1; blocks until it answers (run it off the loop)."""
    if not crm_server_installed():
        return None
    port = _free_port()
    database = f"sqlite:///{folder / 'crm-demo.sqlite3'}"
    command = [sys.executable, "-m", "deskchat.crm.server", "--seed", "--port", str(port), "--database-url", database]
    with (folder / "crm-demo.log").open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    demo = DemoCrm(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(demo.url):  # the server has no readiness signal but its answers
        if process.poll() is not None or time.monotonic() > deadline:
            log.warning("the demo CRM server did not start (see crm-demo.log in the demo profile)")
            demo.stop()
            return None
        time.sleep(0.05)
    return demo
