"""Schemathesis, driven by the contract file alone, finds no violation in the reference server: every documented
status, header, content type and schema holds for generated valid and invalid requests in every phase."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from crm_stack import SEED_PASSWORD, SEED_USER, crm_server

from deskchat.crm import contract_path

HERE = Path(__file__).parent


def _schemathesis(url: str, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Runs in ``folder``: schemathesis keeps its caches in the working directory."""
    token = httpx.post(f"{url}/api/v1/auth/token", json={"user": SEED_USER, "password": SEED_PASSWORD}).json()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "SCHEMATHESIS_HOOKS": "crm_schemathesis_hooks",
    }
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(contract_path()),
        "--url",
        f"{url}/api/v1",
        "--header",
        f"Authorization: Bearer {token['access_token']}",
        "--checks",
        "all",
        # The contract answers a missing If-Match with 428 (RFC 6585), which this check does not know; the
        # conformance check tests both missing-header rules (400 without Idempotency-Key, 428 without If-Match).
        "--exclude-checks",
        "missing_required_header",
        "--seed",
        "20261129",
        "--no-color",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder, timeout=150, check=False)


def test_schemathesis_finds_no_contract_violation(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    with crm_server(database, tmp_path / "server.log", "--rate-limit", "1000000") as server:
        result = _schemathesis(server.url, tmp_path, "--max-examples", "15", "--workers", "1")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_schemathesis_reports_a_server_that_breaks_the_contract(tmp_path: Path) -> None:
    """The same run fails against a server whose errors are not problem documents."""
    database = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    broken = ("--rate-limit", "1000000", "--break", "problem-json")
    with crm_server(database, tmp_path / "server.log", *broken) as server:
        result = _schemathesis(
            server.url,
            tmp_path,
            "--max-examples",
            "5",
            "--include-path",
            "/contacts/{contact_id}",
            "--include-method",
            "GET",
        )
    assert result.returncode == 1
    assert "Undocumented Content-Type" in result.stdout or "content type" in result.stdout.lower()
