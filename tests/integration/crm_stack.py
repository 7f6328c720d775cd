"""The CRM reference server over real HTTP (a uvicorn subprocess on a free port), on SQLite or on a real
PostgreSQL started from the system's packages in a temporary folder."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SEED_USER, SEED_PASSWORD = "ana", "deskchat"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until(ready: object, timeout: float, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if callable(ready) and ready():
            return
        time.sleep(0.05)  # polling a starting server, not synchronising test steps
    raise RuntimeError(f"{what} did not start within {timeout} s")


@dataclass(frozen=True)
class RunningServer:
    url: str
    log: Path


@contextmanager
def crm_server(database_url: str, log: Path, *extra: str, port: int | None = None) -> Iterator[RunningServer]:
    port = port or free_port()
    command = [sys.executable, "-m", "deskchat.crm.server", "--port", str(port), "--database-url", database_url]
    with log.open("ab") as sink:
        process = subprocess.Popen([*command, "--seed", *extra], stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/api/v1/queues", timeout=1).status_code == 401
        except httpx.HTTPError:
            return False

    try:
        _wait_until(answers, 30, "the CRM reference server", process)
        yield RunningServer(url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Postgres:
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run bash tests/install-and-run.sh (it installs postgresql)")
    return Path(found[-1]).parent


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """initdb refuses to run as root (as CI runs): then the cluster belongs to the postgres user."""
    bin_dir = _postgres_bin()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="deskchat-pg-"))
    if as_root:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data, port = folder / "data", free_port()
    subprocess.run(
        [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield Postgres(port)
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def run_check(url: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "deskchat.crm.check", url, "--user", SEED_USER, "--password", SEED_PASSWORD]
    return subprocess.run([*command, *extra], capture_output=True, text=True, timeout=timeout, check=False)
