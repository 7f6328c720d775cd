"""The conformance check, run as the IT team would, passes against the reference server on SQLite and on
PostgreSQL (with several worker processes), and reports the failure of a rule broken on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from crm_stack import Postgres, crm_server, run_check, running_postgres

# The checker sends a burst to provoke a 429: a low limit keeps it short. Its other rules stay well under it.
RATE = ("--rate-limit", "500")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    with running_postgres() as server:
        yield server


def _passes(url: str) -> None:
    result = run_check(url, "--use-faults", "--burst", "1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "16 of 16 rules passed (0 failed, 0 skipped)" in result.stdout


def test_the_reference_server_on_sqlite_passes_every_rule(tmp_path: Path) -> None:
    with crm_server(f"sqlite:///{tmp_path / 'crm.sqlite3'}", tmp_path / "server.log", "--faults", *RATE) as server:
        _passes(server.url)


def test_the_reference_server_on_postgresql_with_two_workers_passes_every_rule(
    postgres: Postgres, tmp_path: Path
) -> None:
    url = postgres.create_database("conformance")
    with crm_server(url, tmp_path / "server.log", "--faults", "--workers", "2", *RATE) as server:
        _passes(server.url)


@pytest.mark.parametrize(
    ("rule", "reported"),
    [
        ("etag", "FAILED   ETag / If-Match: 428 without, 412 when stale"),
        ("cursor", "FAILED   cursors: nothing lost inside one large write"),
        ("idempotency", "FAILED   idempotency: a retry gets the stored response"),
    ],
)
def test_a_rule_broken_on_purpose_is_reported_as_failed(rule: str, reported: str, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    with crm_server(database, tmp_path / "server.log", "--break", rule, *RATE) as server:
        result = run_check(server.url, "--burst", "1000")
    assert result.returncode == 1
    assert reported in result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) <= 2, result.stdout  # the broken rule, not a cascade
